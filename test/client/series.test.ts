import { describe, expect, it, vi } from 'vitest';
import { MetricSeries, seriesId } from '../../src/client/series.js';

function series(capacity?: number): MetricSeries {
  return new MetricSeries('t1', 'loss', capacity);
}

const list = (a: Float64Array) => Array.from(a);

describe('MetricSeries', () => {
  it('starts empty, with no last value and NaN bounds', () => {
    const s = series();
    expect(s.length).toBe(0);
    expect(s.last).toBeUndefined();
    expect(s.lastStep).toBeUndefined();
    expect(s.min).toBeNaN();
    expect(s.max).toBeNaN();
    expect(list(s.steps)).toEqual([]);
  });

  it('appends points in order and returns the old length as the first changed index', () => {
    const s = series();
    expect(s.append([0, 1], [0.5, 0.4], [10, 11])).toBe(0);
    expect(s.append([2, 3], [0.3, 0.2], [12, 13])).toBe(2);
    expect(list(s.steps)).toEqual([0, 1, 2, 3]);
    expect(list(s.values)).toEqual([0.5, 0.4, 0.3, 0.2]);
    expect(list(s.timestamps)).toEqual([10, 11, 12, 13]);
    expect(s.last).toBe(0.2);
    expect(s.lastStep).toBe(3);
  });

  it('grows past its initial capacity without losing points', () => {
    const s = series(2);
    const n = 10_000;
    const steps = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < n; i += 7) {
      const chunk = steps.slice(i, i + 7);
      s.append(
        chunk,
        chunk.map((x) => x * 2),
        chunk.map((x) => 1000 + x),
      );
    }
    expect(s.length).toBe(n);
    expect(s.values[n - 1]).toBe(2 * (n - 1));
    expect(s.timestamps[1234]).toBe(2234);
    expect(list(s.steps)).toEqual(steps);
  });

  it('merges a late point in by step and reports where the change starts', () => {
    const s = series();
    s.append([0, 1, 2, 5, 6], [0, 1, 2, 5, 6], [0, 0, 0, 0, 0]);
    expect(s.append([3], [3], [1])).toBe(3);
    expect(list(s.steps)).toEqual([0, 1, 2, 3, 5, 6]);
    expect(list(s.values)).toEqual([0, 1, 2, 3, 5, 6]);
    expect(list(s.timestamps)).toEqual([0, 0, 0, 1, 0, 0]);
  });

  it('sorts a batch that is itself out of order', () => {
    const s = series();
    s.append([0, 1], [0, 1], [0, 0]);
    expect(s.append([4, 2, 3], [4, 2, 3], [0, 0, 0])).toBe(2);
    expect(list(s.steps)).toEqual([0, 1, 2, 3, 4]);
    expect(list(s.values)).toEqual([0, 1, 2, 3, 4]);
  });

  it('keeps points of equal steps in arrival order, as MLflow may log a step twice', () => {
    const s = series();
    s.append([0, 1, 2], [10, 11, 12], [0, 0, 0]);
    expect(s.append([1], [99], [0])).toBe(2);
    expect(list(s.steps)).toEqual([0, 1, 1, 2]);
    expect(list(s.values)).toEqual([10, 11, 99, 12]);
  });

  it('merges a late batch into the middle, keeping existing points of its steps first', () => {
    const s = new MetricSeries('t', 'loss');
    s.append([0, 2, 4, 6], [0, 2, 4, 6], [0, 0, 0, 0]);
    expect(s.append([5, 2, 3], [50, 20, 30], [1, 1, 1])).toBe(2);
    expect(Array.from(s.steps)).toEqual([0, 2, 2, 3, 4, 5, 6]);
    expect(Array.from(s.values)).toEqual([0, 2, 20, 30, 4, 50, 6]);
    expect(Array.from(s.timestamps)).toEqual([0, 0, 1, 1, 0, 1, 0]);
  });

  it('places interleaved late points in step order without re-sorting the series', () => {
    const n = 10_000;
    const s = new MetricSeries('t', 'loss');
    const steps = Float64Array.from({ length: n }, (_, i) => 2 * i);
    s.append(steps, steps, steps);
    // Odd steps arrive late and shuffled (a fixed permutation of the first 200), one per event.
    const late = Array.from({ length: 200 }, (_, i) => 2 * ((i * 73) % 200) + 1);
    const firstChanged: number[] = [];
    // A re-sort would sort an index array as long as the series tail: one-point appends sort nothing.
    const sort = vi.spyOn(Array.prototype, 'sort');
    let sorts: number;
    try {
      for (const step of late) firstChanged.push(s.append([step], [-step], [step]));
    } finally {
      sorts = sort.mock.calls.length;
      sort.mockRestore();
    }
    expect(sorts).toBe(0);
    // Each late point lands right after the even steps below it and the late points already placed below it.
    expect(firstChanged).toEqual(
      late.map((step, i) => (step + 1) / 2 + late.slice(0, i).filter((earlier) => earlier < step).length),
    );
    const expected = [...steps, ...late].sort((a, b) => a - b);
    expect(s.length).toBe(n + late.length);
    expect(list(s.steps)).toEqual(expected);
    expect(list(s.values)).toEqual(expected.map((step) => (step % 2 === 1 ? -step : step)));
    expect(list(s.timestamps)).toEqual(expected);
  });

  it('counts a point at the current last step as in order', () => {
    const s = series();
    s.append([0, 1], [0, 1], [0, 0]);
    expect(s.append([1, 2], [5, 6], [0, 0])).toBe(2);
    expect(list(s.values)).toEqual([0, 1, 5, 6]);
  });

  it('stores NaN and infinities but keeps them out of min and max', () => {
    const s = series();
    s.append([0, 1, 2, 3], [Number.NaN, 2, Number.POSITIVE_INFINITY, -1], [0, 0, 0, 0]);
    expect(s.values[0]).toBeNaN();
    expect(s.values[2]).toBe(Number.POSITIVE_INFINITY);
    expect(s.min).toBe(-1);
    expect(s.max).toBe(2);
    s.append([4], [Number.NEGATIVE_INFINITY], [0]);
    expect(s.min).toBe(-1);
    expect(s.last).toBe(Number.NEGATIVE_INFINITY);
  });

  it('leaves min and max NaN while every value is non-finite', () => {
    const s = series();
    s.append([0, 1], [Number.NaN, Number.POSITIVE_INFINITY], [0, 0]);
    expect(s.min).toBeNaN();
    expect(s.max).toBeNaN();
    s.append([2], [3], [0]);
    expect([s.min, s.max]).toEqual([3, 3]);
  });

  it('drops every point on clear', () => {
    const s = series();
    s.append([0, 1], [1, 2], [0, 0]);
    s.clear();
    expect(s.length).toBe(0);
    expect(s.min).toBeNaN();
    expect(s.append([7], [3], [0])).toBe(0);
    expect(list(s.steps)).toEqual([7]);
  });

  it('accepts typed arrays as columns', () => {
    const s = series();
    s.append(new Float64Array([0, 1]), new Float32Array([0.5, 0.25]), new Float64Array([1, 2]));
    expect(list(s.values)).toEqual([0.5, 0.25]);
  });

  it('files series under an id that cannot collide across trial and key', () => {
    expect(seriesId('a', 'b/c')).not.toBe(seriesId('a/b', 'c'));
    expect(seriesId('t1', 'loss')).toBe(seriesId('t1', 'loss'));
  });
});
