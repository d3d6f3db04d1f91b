import { describe, expect, it } from 'vitest';
import {
  boxHalfWidths,
  smoothWindowed,
  windowPoints,
} from '../../../src/components/metrics-chart/smoothing.js';
import { isSmoothingKind } from '../../../src/components/metrics-chart/smoothing-kinds.js';

/** The windowed average straight from its definition: finite values in [i - h, i + h], clipped. */
function runningMean(ys: number[], half: number): number[] {
  return ys.map((y, i) => {
    if (!Number.isFinite(y)) return y;
    const window = ys.slice(Math.max(0, i - half), i + half + 1).filter(Number.isFinite);
    return window.reduce((a, b) => a + b, 0) / window.length;
  });
}

const noisy = (n: number) => Array.from({ length: n }, (_, i) => Math.sin(i / 7) + ((i * 7919) % 13) / 13);

describe('windowed smoothing', () => {
  it('averages the running window centred on each point, shrinking at the ends', () => {
    const ys = noisy(50);
    const out = new Float64Array(50);
    const [half] = boxHalfWidths('running', 0.6);
    expect(half).to.equal(2);
    smoothWindowed(ys, ys.length, 0, [half], out);
    const want = runningMean(ys, half);
    for (let i = 0; i < ys.length; i++) expect(out[i]).toBeCloseTo(want[i], 12);
  });

  it('keeps non-finite values as gaps and averages around them', () => {
    const ys = [1, 2, Number.NaN, 4, 5, Number.POSITIVE_INFINITY, 7];
    const out = new Float64Array(ys.length);
    smoothWindowed(ys, ys.length, 0, [1], out);
    expect(Array.from(out)).toEqual(runningMean(ys, 1));
  });

  it('gives on append the values a full recomputation gives, rewriting only the reach of the window', () => {
    for (const kind of ['running', 'gaussian'] as const) {
      const ys = noisy(400);
      const halves = boxHalfWidths(kind, 0.9);
      const reach = halves.reduce((a, b) => a + b, 0);
      const live = new Float64Array(400);
      smoothWindowed(ys, 300, 0, halves, live);
      const before = live.slice(0, 300);
      const first = smoothWindowed(ys, 400, 300, halves, live);
      expect(first).to.equal(300 - reach);
      expect(Array.from(live.subarray(0, first))).toEqual(Array.from(before.subarray(0, first)));
      const whole = new Float64Array(400);
      smoothWindowed(ys, 400, 0, halves, whole);
      for (let i = 0; i < 400; i++) expect(live[i]).toBeCloseTo(whole[i], 9);
    }
  });

  it('weights a Gaussian: an impulse spreads into a symmetric bell with the chosen sigma', () => {
    const n = 201;
    const ys = Array.from({ length: n }, (_, i) => (i === 100 ? 1 : 0));
    const out = new Float64Array(n);
    smoothWindowed(ys, n, 0, boxHalfWidths('gaussian', 0.9), out);
    const sum = out.reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 9);
    for (let d = 1; d < 30; d++) expect(out[100 - d]).toBeCloseTo(out[100 + d], 12);
    for (let d = 0; d < 20; d++) expect(out[100 + d]).toBeGreaterThanOrEqual(out[101 + d]);
    // Variance of three boxes matches sigma = N / (2 sqrt(pi)) to within a pixel's rounding.
    const variance = out.reduce((a, w, i) => a + w * (i - 100) ** 2, 0);
    const sigma = windowPoints(0.9) / (2 * Math.sqrt(Math.PI));
    expect(Math.sqrt(variance) / sigma).toBeGreaterThan(0.85);
    expect(Math.sqrt(variance) / sigma).toBeLessThan(1.15);
  });

  it('is the identity at smoothing 0 and nothing to do without a change', () => {
    const ys = noisy(20);
    const out = new Float64Array(20);
    smoothWindowed(ys, 20, 0, boxHalfWidths('gaussian', 0), out);
    expect(Array.from(out)).toEqual(ys);
    expect(smoothWindowed(ys, 20, 20, [3], out)).to.equal(20);
  });

  it('knows its kinds', () => {
    expect(['ema', 'running', 'gaussian'].every(isSmoothingKind)).to.equal(true);
    expect(isSmoothingKind('boxcar')).to.equal(false);
  });
});
