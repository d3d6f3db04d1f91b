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

  it('keeps first, min, max, last and the first NaN of a column, in x order, once each', () => {
    const points = {
      steps: [3, 0, 1, 2, 2, 4],
      values: [5, 1, Number.NaN, -Infinity, 9, Number.NaN],
      timestamps: [13, 10, 11, 12, 12, 14],
    };
    expect(m4Columns(points, 'step', 0, 4, 1)).toEqual({
      steps: [0, 1, 2, 2, 4],
      values: [1, Number.NaN, -Infinity, 9, Number.NaN],
      timestamps: [10, 11, 12, 12, 14],
      raw: false,
    });
  });

  it('says raw when nothing was reduced away', () => {
    const points = { steps: [0, 1, 2], values: [1, 2, 3], timestamps: [5, 6, 7] };
    expect(m4Columns(points, 'relative', 0, 2, 3, 5)).toEqual({ ...points, raw: true });
  });
});
