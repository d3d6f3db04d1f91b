import { describe, expect, it } from 'vitest';
import { overviewRange } from '../../../src/client/lod/overview-query.js';

describe('overviewRange', () => {
  it('starts at a multiple of 16 with columns a multiple of 16 wide, covering the extent', () => {
    for (const [min, max, pixels] of [
      [3, 100_000, 1000],
      [1_000_017, 1_990_003, 937],
      [0, 16_000, 1000],
    ]) {
      const r = overviewRange(min, max, pixels);
      const width = (r.to - r.from) / r.columns;
      expect(r.from % 16).toBe(0);
      expect(width % 16).toBe(0);
      expect(r.from).toBeLessThanOrEqual(min);
      expect(r.to).toBeGreaterThan(max);
      expect(r.columns).toBeGreaterThan(pixels / 2);
      expect(r.columns).toBeLessThanOrEqual(pixels + 1);
    }
  });

  it('asks a short extent as it is, a column a pixel', () => {
    expect(overviewRange(5, 900, 500)).toEqual({ from: 5, to: 900, columns: 500 });
    expect(overviewRange(7, 7, 500)).toEqual({ from: 7, to: 7, columns: 1 });
  });
});
