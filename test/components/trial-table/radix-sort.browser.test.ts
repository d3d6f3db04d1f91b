import { expect } from '@open-wc/testing';
import { ColumnKey } from '../../../src/components/trial-table/column-key.js';
import { radixSort } from '../../../src/components/trial-table/radix-sort.js';
import { comparator } from '../../../src/components/trial-table/sort.js';
import { seededRandom } from '../../fixtures/studies.js';

describe('radix sort', () => {
  it('radix-sorts into exactly the comparator order, with NaN, ±0, ±Infinity and ties', () => {
    const r = seededRandom(5);
    const specials = [Number.NaN, -0, 0, Infinity, -Infinity, 1, -1, 5e-324, -1e300];
    for (let round = 0; round < 100; round++) {
      const n = 1 + Math.floor(r() * 400);
      const column = () =>
        new ColumnKey(n, () =>
          r() < 0.3
            ? specials[Math.floor(r() * specials.length)]
            : r() < 0.1
              ? undefined
              : Math.round(r() * 8) - 4,
        );
      const keys = [
        { key: column(), direction: r() < 0.5 ? 'asc' : 'desc' },
        { key: column(), direction: r() < 0.5 ? 'asc' : 'desc' },
      ] as const;
      const expected = Uint32Array.from({ length: n }, (_, i) => i).sort(comparator(keys));
      const actual = Uint32Array.from({ length: n }, (_, i) => i);
      radixSort(actual, keys);
      expect([...actual]).to.deep.equal([...expected]);
    }
  });
});
