/**
 * One column's values for every row as numbers that order like the values: numbers as they are,
 * strings as their rank in a numeric-aware collation ("lr-2" before "lr-10"), missing as NaN.
 * Held in a growable Float64Array so that sorting and range filters read typed arrays.
 */
import type { CellValue } from './columns.js';

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export class ColumnKey {
  /** Key per row index; entries past the row count are unused. */
  data: Float64Array;
  /** True when every present value is a number; otherwise values are compared as text. */
  readonly numeric: boolean;
  private readonly ranks?: Map<string, number>;

  /**
   * Builds the keys of rows `0..count-1`. One pass fills numbers straight into the typed array;
   * only a column holding text takes a second pass to rank its distinct values.
   */
  constructor(count: number, valueAt: (index: number) => CellValue) {
    const data = new Float64Array(Math.max(16, count));
    let texts: (string | undefined)[] | undefined;
    for (let i = 0; i < count; i++) {
      const value = valueAt(i);
      if (typeof value === 'string' && !texts) {
        texts = Array.from(data.subarray(0, i), (n) => (Number.isNaN(n) ? undefined : String(n)));
      }
      if (texts) texts.push(value === undefined ? undefined : String(value));
      else data[i] = (value as number | undefined) ?? Number.NaN;
    }
    this.data = data;
    this.numeric = !texts;
    if (!texts) return;
    const unique = [...new Set(texts)].filter((t): t is string => t !== undefined).sort(collator.compare);
    this.ranks = new Map(unique.map((t, i) => [t, i]));
    for (let i = 0; i < count; i++) {
      const text = texts[i];
      data[i] = text === undefined ? Number.NaN : this.ranks.get(text)!;
    }
  }

  /**
   * Sets row `index` (growing the storage if needed). Returns false when the value does not fit
   * the current keys (a string in a numeric column, a string never seen): the caller rebuilds.
   */
  set(index: number, value: CellValue): boolean {
    if (index >= this.data.length) {
      const grown = new Float64Array(Math.max(index + 1, this.data.length * 2));
      grown.set(this.data);
      this.data = grown;
    }
    if (value === undefined) {
      this.data[index] = Number.NaN;
      return true;
    }
    if (this.numeric) {
      if (typeof value !== 'number') return false;
      this.data[index] = value;
      return true;
    }
    const rank = this.ranks!.get(String(value));
    if (rank === undefined) return false;
    this.data[index] = rank;
    return true;
  }
}
