import { describe, expect, it } from 'vitest';
import {
  columnOf,
  columnStart,
  m4Columns,
  parseSeriesWindowQuery,
  SeriesWindowQueryError,
} from '../../src/protocol/index.js';

const valid = { studyId: 's', key: 'loss', x: 'step', columns: 100 };

function fieldOf(input: unknown): string | undefined {
  try {
    parseSeriesWindowQuery(input);
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(SeriesWindowQueryError);
    return (err as SeriesWindowQueryError).field;
  }
}

describe('series window query', () => {
  it('accepts a request without range or trials', () => {
    expect(parseSeriesWindowQuery(valid)).toEqual(valid);
  });

  it('names the field of an unknown x axis', () => {
    expect(fieldOf({ ...valid, x: 'epoch' })).toBe('x');
  });

  it('names `to` for a reversed range', () => {
    expect(fieldOf({ ...valid, from: 10, to: 2 })).toBe('to');
  });

  it('names the bound that is not finite', () => {
    expect(fieldOf({ ...valid, from: Number.NaN })).toBe('from');
    expect(fieldOf({ ...valid, to: Number.POSITIVE_INFINITY })).toBe('to');
  });

  it('names a bound past 2^53, where numbers skip steps (a plan over it never ended)', () => {
    expect(fieldOf({ ...valid, from: 0, to: 1e18 })).toBe('to');
    expect(fieldOf({ ...valid, from: -1e18, to: 0 })).toBe('from');
    expect(
      fieldOf({ ...valid, from: -Number.MAX_SAFE_INTEGER, to: Number.MAX_SAFE_INTEGER }),
    ).toBeUndefined();
  });

  it('refuses absurd column counts', () => {
    for (const columns of [0, -1, 1.5, 8193, Number.NaN])
      expect(fieldOf({ ...valid, columns })).toBe('columns');
    expect(fieldOf({ ...valid, columns: 8192 })).toBeUndefined();
  });

  it('refuses more than 10,000 trials in one request', () => {
    const trialIds = Array.from({ length: 10_001 }, (_, i) => `t${i}`);
    expect(fieldOf({ ...valid, trialIds })).toBe('trialIds');
  });
});

describe('M4 columns', () => {
  it('puts every x of the range in the column whose bounds hold it, the last closed at `to`', () => {
    const [from, to, columns] = [0.1, 7.3, 7];
    for (let x = from; x <= to; x += 0.01) {
      const j = columnOf(x, from, to, columns);
      expect(x >= columnStart(j, from, to, columns)).toBe(true);
      expect(j === columns - 1 ? x <= to : x < columnStart(j + 1, from, to, columns)).toBe(true);
    }
    expect(columnOf(to, from, to, columns)).toBe(columns - 1);
    expect(columnOf(to + 1e-9, from, to, columns)).toBe(-1);
  });

  it('keeps first, last, the finite min and max and the first value not finite of a column, in x order, once each', () => {
    const points = {
      steps: [3, 0, 1, 2, 2, 4],
      values: [5, 1, Number.NaN, -Infinity, 9, Number.NaN],
      timestamps: [13, 10, 11, 12, 12, 14],
    };
    expect(m4Columns(points, 'step', 0, 4, 1)).toEqual({
      steps: [0, 1, 2, 4],
      values: [1, Number.NaN, 9, Number.NaN],
      timestamps: [10, 11, 12, 14],
      raw: false,
    });
  });

  it('keeps a finite spike beside a divergence to Infinity (charts draw no value at Infinity)', () => {
    const points = { steps: [0, 1, 2, 3, 4], values: [1, Infinity, 25, 3, 2], timestamps: [0, 1, 2, 3, 4] };
    expect(m4Columns(points, 'step', 0, 4, 1)).toEqual({
      steps: [0, 1, 2, 4],
      values: [1, Infinity, 25, 2],
      timestamps: [0, 1, 2, 4],
      raw: false,
    });
  });

  it('says raw when nothing was reduced away', () => {
    const points = { steps: [0, 1, 2], values: [1, 2, 3], timestamps: [5, 6, 7] };
    expect(m4Columns(points, 'relative', 0, 2, 3, 5)).toEqual({ ...points, raw: true });
  });

  it('gives the same columns whatever order the points of many columns come in', () => {
    // More columns than an accumulator makes room for at first: its slots grow while points arrive.
    const n = 2000;
    const ordered = {
      steps: Array.from({ length: n }, (_, i) => i),
      // NaN and ±Infinity here and there: gap markers, never extremes.
      values: Array.from({ length: n }, (_, i) =>
        i % 97 === 0 ? Number.NaN : i % 89 === 0 ? (i % 2 ? 1 : -1) / 0 : Math.sin(i * 0.7) * (i % 13),
      ),
      timestamps: Array.from({ length: n }, (_, i) => 1000 + i),
    };
    // A fixed shuffle: every 7th point from each start, 7 starts.
    const order = Array.from({ length: 7 }, (_, k) =>
      Array.from({ length: Math.ceil((n - k) / 7) }, (_, j) => k + 7 * j),
    ).flat();
    const shuffled = {
      steps: order.map((i) => ordered.steps[i]),
      values: order.map((i) => ordered.values[i]),
      timestamps: order.map((i) => ordered.timestamps[i]),
    };
    for (const columns of [1, 63, 64, 65, 500, 1999]) {
      const expected = m4Columns(ordered, 'step', 0, n - 1, columns);
      // Each column's kept points by brute force: first, last, min, max, first NaN, in step order.
      const kept = new Set<number>();
      for (let j = 0; j < columns; j++) {
        const inColumn = ordered.steps.filter((x) => columnOf(x, 0, n - 1, columns) === j);
        if (inColumn.length === 0) continue;
        const finite = inColumn.filter((i) => Number.isFinite(ordered.values[i]));
        const byValue = (pick: (a: number, b: number) => boolean) =>
          finite.reduce((best, i) => (pick(ordered.values[i], ordered.values[best]) ? i : best), finite[0]);
        kept.add(inColumn[0]).add(inColumn[inColumn.length - 1]);
        if (finite.length) kept.add(byValue((a, b) => a < b)).add(byValue((a, b) => a > b));
        const gap = inColumn.find((i) => !Number.isFinite(ordered.values[i]));
        if (gap !== undefined) kept.add(gap);
      }
      const steps = [...kept].sort((a, b) => a - b);
      expect(expected.steps).toEqual(steps);
      expect(expected.values).toEqual(steps.map((i) => ordered.values[i]));
      // Offered out of order, the same points (the index breaks ties: the shuffle's positions differ).
      const got = m4Columns(shuffled, 'step', 0, n - 1, columns);
      expect(got.steps).toEqual(expected.steps);
      expect(got.values).toEqual(expected.values);
      expect(got.timestamps).toEqual(expected.timestamps);
    }
  });
});
