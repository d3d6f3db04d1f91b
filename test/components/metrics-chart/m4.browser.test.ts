import { expect } from '@open-wc/testing';
import {
  lowerBound,
  ReducedPoints,
  reduceM4,
  upperBound,
  visibleRange,
} from '../../../src/components/metrics-chart/m4.js';
import { EmaState, extendEma } from '../../../src/components/metrics-chart/smoothing.js';
import { seededRandom } from '../../fixtures/studies.js';

/** A deterministic pseudo-random walk (mulberry32), so failures reproduce. */
function walk(n: number, seed = 7): { xs: Float64Array; ys: Float64Array } {
  const rand = seededRandom(seed);
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  let y = 0;
  for (let i = 0; i < n; i++) {
    xs[i] = i * 0.37 + rand() * 0.3;
    y += rand() - 0.5;
    ys[i] = y;
  }
  return { xs, ys };
}

describe('M4 reduction', () => {
  it('keeps the first, smallest, largest and last point of every pixel column, in source order', () => {
    const { xs, ys } = walk(20_000);
    const map = { x0: 0, scale: 300 / xs[xs.length - 1] };
    const out = new ReducedPoints();
    reduceM4(xs, ys, 0, xs.length, map, out);

    const buckets = new Map<number, number[]>();
    for (let i = 0; i < xs.length; i++) {
      const c = Math.floor(xs[i] * map.scale);
      buckets.set(c, [...(buckets.get(c) ?? []), i]);
    }
    const kept = Array.from(out.index.subarray(0, out.length));
    for (const [, indices] of buckets) {
      const values = indices.map((i) => ys[i]);
      const min = Math.min(...values);
      const max = Math.max(...values);
      const mine = kept.filter((i) => indices.includes(i));
      expect(mine[0]).to.equal(indices[0]);
      expect(mine[mine.length - 1]).to.equal(indices[indices.length - 1]);
      expect(mine.map((i) => ys[i])).to.include(min);
      expect(mine.map((i) => ys[i])).to.include(max);
      expect(mine.length).to.be.at.most(4);
    }
    expect(kept).to.deep.equal([...kept].sort((a, b) => a - b));
    expect(out.length).to.be.at.most(4 * buckets.size);
  });

  it('writes positions in pixels and the original values', () => {
    const xs = [0, 1, 2, 3];
    const ys = [5, 6, 7, 8];
    const out = new ReducedPoints();
    reduceM4(xs, ys, 0, 4, { x0: 0, scale: 10 }, out);
    expect(Array.from(out.px.subarray(0, out.length))).to.deep.equal([0, 10, 20, 30]);
    expect(Array.from(out.values.subarray(0, out.length))).to.deep.equal([5, 6, 7, 8]);
  });

  it('breaks the line at non-finite values with a single gap marker', () => {
    const xs = [0, 1, 2, 3, 4, 5];
    const ys = [1, Number.NaN, Number.POSITIVE_INFINITY, 2, Number.NaN, 3];
    const out = new ReducedPoints();
    reduceM4(xs, ys, 0, 6, { x0: 0, scale: 10 }, out);
    const values = Array.from(out.values.subarray(0, out.length));
    expect(values.map((v) => (Number.isNaN(v) ? 'gap' : v))).to.deep.equal([1, 'gap', 2, 'gap', 3]);
  });

  it('treats values at or below zero as gaps on a log scale', () => {
    const out = new ReducedPoints();
    reduceM4([0, 1, 2], [1, -1, 2], 0, 3, { x0: 0, scale: 10 }, out, true);
    const values = Array.from(out.values.subarray(0, out.length));
    expect(values.map((v) => (Number.isNaN(v) ? 'gap' : v))).to.deep.equal([1, 'gap', 2]);
  });

  it('gives the same result when extended column by column as when reduced at once', () => {
    const { xs, ys } = walk(5_000, 3);
    const map = { x0: 0, scale: 200 / xs[xs.length - 1] };
    const whole = new ReducedPoints();
    reduceM4(xs, ys, 0, xs.length, map, whole);
    const grown = new ReducedPoints();
    let last = reduceM4(xs, ys, 0, 100, map, grown);
    for (let to = 200; to <= xs.length; to += 100) {
      const restart = grown.index[last];
      grown.truncate(last);
      last = reduceM4(xs, ys, restart, to, map, grown);
    }
    expect(Array.from(grown.index.subarray(0, grown.length))).to.deep.equal(
      Array.from(whole.index.subarray(0, whole.length)),
    );
  });

  it('finds the visible range with one neighbour on each side', () => {
    const xs = [0, 10, 20, 30, 40, 50];
    expect(lowerBound(xs, 20)).to.equal(2);
    expect(upperBound(xs, 20)).to.equal(3);
    expect(visibleRange(xs, xs.length, 15, 35)).to.deep.equal([1, 5]);
    expect(visibleRange(xs, xs.length, -5, 100)).to.deep.equal([0, 6]);
  });
});

describe('EMA smoothing', () => {
  const smooth = (xs: number[], ys: number[], s: number) => {
    const out = new Float64Array(ys.length);
    extendEma(xs, ys, ys.length, s, new EmaState(), out);
    return Array.from(out);
  };

  it('is debiased: the first point is its own value and a constant stays constant', () => {
    const out = smooth([0, 1, 2, 3], [4, 4, 4, 4], 0.9);
    for (const v of out) expect(v).to.be.closeTo(4, 1e-12);
  });

  it('matches TensorBoard on evenly spaced steps', () => {
    const ys = [1, 3, 2, 5, 4];
    const w = 0.6;
    let last = 0;
    const expected = ys.map((y, i) => {
      last = last * w + (1 - w) * y;
      return last / (1 - w ** (i + 1));
    });
    const out = smooth([0, 1, 2, 3, 4], ys, w);
    out.forEach((v, i) => {
      expect(v).to.be.closeTo(expected[i], 1e-12);
    });
  });

  it('weighs by x distance: a point twice as far away decays the past twice', () => {
    const even = smooth([0, 1, 2], [0, 0, 10], 0.5);
    const skipped = smooth([0, 1, 3], [0, 0, 10], 0.5);
    expect(skipped[2]).to.be.greaterThan(even[2]);
  });

  it('passes non-finite values through as gaps without disturbing the average', () => {
    const out = smooth([0, 1, 2], [2, Number.NaN, 2], 0.8);
    expect(out[1]).to.be.NaN;
    expect(out[2]).to.be.closeTo(2, 1e-12);
  });

  it('continues incrementally to the same result', () => {
    const xs = [0, 1, 2, 3, 4, 5];
    const ys = [3, 1, 4, 1, 5, 9];
    const out = new Float64Array(6);
    const state = new EmaState();
    extendEma(xs, ys, 3, 0.7, state, out);
    extendEma(xs, ys, 6, 0.7, state, out);
    expect(Array.from(out)).to.deep.equal(smooth(xs, ys, 0.7));
  });

  it('is the identity at smoothing 0', () => {
    expect(smooth([0, 1, 2], [3, 1, 4], 0)).to.deep.equal([3, 1, 4]);
  });
});
