import { describe, expect, it } from 'vitest';
import { autoDomain, Extent, withHeadroom } from '../../../src/components/metrics-chart/scales.js';

const extent = (min: number, max: number) => {
  const e = new Extent();
  e.add(min);
  e.add(max);
  return e;
};

describe('live x headroom', () => {
  it('leaves room right of growing data and ends on a round bound for steps counted from 1', () => {
    const [a, b] = autoDomain(withHeadroom(extent(1, 80)), 'step', 6);
    expect(a).toBe(0);
    expect(b).toBeGreaterThanOrEqual(88);
    expect(b).toBeLessThanOrEqual(100);
  });

  it('keeps the bound still while the data grows a little', () => {
    const bound = (max: number) => autoDomain(withHeadroom(extent(0, max)), 'step', 6)[1];
    expect(bound(81)).toBe(bound(84));
  });

  it('measures headroom from the data itself when it starts far from zero', () => {
    const [a, b] = autoDomain(withHeadroom(extent(1000, 1010)), 'relative', 6);
    expect(a).toBeLessThanOrEqual(1000);
    expect(b).toBeGreaterThanOrEqual(1011);
    expect(b).toBeLessThan(1100);
  });
});
