import { describe, expect, it } from 'vitest';
import {
  niceTimeDomain,
  timeTickLabels,
  timeTicks,
} from '../../../src/components/metrics-chart/time-ticks.js';

const MINUTE = 60_000;
const t0 = Date.UTC(2026, 10, 29, 12, 0, 7);

describe('wall-clock ticks', () => {
  it('are evenly spaced round times inside the span, at most about the count asked', () => {
    const ticks = timeTicks(t0, t0 + 60 * MINUTE, 6);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks.length).toBeLessThanOrEqual(7);
    for (const t of ticks) expect(t).toBeGreaterThanOrEqual(t0);
    for (const t of ticks) expect(t).toBeLessThanOrEqual(t0 + 60 * MINUTE);
    const gaps = new Set(ticks.slice(1).map((t, i) => t - ticks[i]));
    expect(gaps.size).toBe(1);
    expect(ticks[0] % MINUTE).toBe(0);
  });

  it('step by calendar months over a long span', () => {
    const ticks = timeTicks(Date.UTC(2024, 0, 10), Date.UTC(2026, 0, 10), 8);
    const days = ticks.map((t) => new Date(t).getDate());
    expect(new Set(days)).toEqual(new Set([1]));
    expect(ticks.length).toBeGreaterThan(3);
  });

  it('widen a domain to whole intervals that hold it', () => {
    const [a, b] = niceTimeDomain(t0, t0 + 59 * MINUTE, 6);
    expect(a).toBeLessThanOrEqual(t0);
    expect(b).toBeGreaterThanOrEqual(t0 + 59 * MINUTE);
    expect(a % MINUTE).toBe(0);
  });

  it('label seconds only when ticks are less than a minute apart', () => {
    const fine = timeTickLabels(timeTicks(t0, t0 + MINUTE, 6));
    const coarse = timeTickLabels(timeTicks(t0, t0 + 6 * 60 * MINUTE, 6));
    expect(fine[0].split(':').length).toBe(3);
    expect(coarse[0].split(':').length).toBe(2);
  });
});
