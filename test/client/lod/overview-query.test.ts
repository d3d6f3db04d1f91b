import { describe, expect, it } from 'vitest';
import { overviewRange } from '../../../src/client/lod/overview-query.js';

/** The widest of storage's bucket widths (16·4^k, and 32) that divides `n`. */
function bucketOf(n: number): number {
  let b = 16;
  while (n % (b * 4) === 0) b *= 4;
  return b === 16 && n % 32 === 0 ? 32 : b;
}

const CASES = [
  [3, 100_000, 1000],
  [0, 100_000, 893],
  [1_000_017, 1_990_003, 937],
  [0, 16_000, 1000],
  [0, 1_000_000, 893],
  [0, 20_000, 893],
  [12, 50_000, 640],
  [25_119.5, 75_119.5, 893],
  [61_000, 63_000.25, 100],
  // 8 to 16 units a pixel: one finest bucket a column.
  [20_000, 32_500, 782],
  [3, 8_003, 1000],
  // 32 to 64 units a pixel: one 64-unit bucket a column, not three of 16.
  [13_785, 63_785, 1330],
  [0, 50_000, 1042],
  // 16 to 32: one 32-unit bucket a column, on its grid.
  [4_065, 29_065, 991],
  [0, 10_000, 500],
];

describe('overviewRange', () => {
  it('covers the extent with columns of one or two whole buckets, starting on their grid', () => {
    for (const [min, max, pixels] of CASES) {
      const r = overviewRange(min, max, pixels) as Required<ReturnType<typeof overviewRange>>;
      const width = (r.to + 1 - r.from) / r.columns;
      expect(Number.isInteger(width)).toBe(true);
      const bucket = bucketOf(width);
      // A column is 1 or 2 buckets of one level (4 would be one bucket of the next), a power of two
      // of units, one to two pixels wide.
      expect(width / bucket).toBeLessThanOrEqual(2);
      expect(Math.log2(width) % 1).toBe(0);
      expect(r.from % bucket).toBe(0);
      expect(r.from).toBeLessThanOrEqual(min);
      // Inclusive: every whole step up to max.
      expect(r.to).toBeGreaterThanOrEqual(Math.floor(max));
      expect(r.columns).toBeGreaterThan(pixels / 2);
      expect(r.columns).toBeLessThanOrEqual(pixels + 1);
    }
  });

  it('asks a short extent (under 8 units a pixel) as it is, a column a pixel', () => {
    expect(overviewRange(5, 900, 500)).toEqual({ from: 5, to: 900, columns: 500 });
    expect(overviewRange(0, 7_990, 1000)).toEqual({ from: 0, to: 7_990, columns: 1000 });
    expect(overviewRange(7, 7, 500)).toEqual({ from: 7, to: 7, columns: 1 });
  });

  it('asks an extent as it is when aligned columns would pass the safe integers (steps near 2^53)', () => {
    const max = Number.MAX_SAFE_INTEGER - 10;
    // Aligned, this one would end at 9,011,597,301,252,096: the server refuses it.
    expect(overviewRange(-5, max, 1028)).toEqual({ from: -5, to: max, columns: 1028 });
    const low = overviewRange(Number.MIN_SAFE_INTEGER + 3, 1000, 1028);
    expect(low.from).toBeGreaterThanOrEqual(Number.MIN_SAFE_INTEGER);
    // Steps past them (MLflow's int64, time.time_ns()): no bounds, the server's own extent.
    expect(overviewRange(2 ** 53, 2 ** 62, 1000)).toEqual({ columns: 1000 });
    expect(overviewRange(-(2 ** 60), 5, 1000)).toEqual({ columns: 1000 });
  });
});
