/**
 * Sorting the table: sort specs, the header's click behaviour, and the comparator over precomputed
 * column keys. Keys are numbers (see `column-key.ts`), so a 100,000-row sort compares typed-array
 * entries instead of re-deriving values from trial objects.
 */
import type { ColumnKey } from './column-key.js';

export type SortDirection = 'asc' | 'desc';

/** Sort by one column; a list of them sorts by the first, then the next on ties. */
export interface SortSpec {
  readonly column: string;
  readonly direction: SortDirection;
}

/**
 * What a header click does: a plain click sorts by that column alone (ascending, then descending,
 * then unsorted); a shift-click adds the column to the sort, or flips or drops it if present.
 */
export function toggleSort(sort: readonly SortSpec[], column: string, additive: boolean): SortSpec[] {
  const current = sort.find((s) => s.column === column);
  const next: SortSpec | undefined = !current
    ? { column, direction: 'asc' }
    : current.direction === 'asc'
      ? { column, direction: 'desc' }
      : undefined;
  if (!additive) return next ? [next] : [];
  if (!current) return [...sort, next!];
  return sort.flatMap((s) => (s.column !== column ? [s] : next ? [next] : []));
}

/**
 * A total order over row indices: by each key in turn (missing values last whatever the
 * direction), then by row index. Total, so that a binary search finds a row's exact position.
 */
export function comparator(
  keys: readonly { key: ColumnKey; direction: SortDirection }[],
): (a: number, b: number) => number {
  const columns = keys.map((k) => k.key.data);
  const signs = keys.map((k) => (k.direction === 'desc' ? -1 : 1));
  const n = columns.length;
  return (a, b) => {
    for (let c = 0; c < n; c++) {
      const data = columns[c];
      const x = data[a];
      const y = data[b];
      if (x === y) continue;
      // NaN marks a missing value; it never equals itself, so both-missing lands here too.
      const xMissing = Number.isNaN(x);
      const yMissing = Number.isNaN(y);
      if (xMissing || yMissing) {
        if (xMissing && yMissing) continue;
        return xMissing ? 1 : -1;
      }
      return x < y ? -signs[c] : signs[c];
    }
    return a - b;
  };
}
