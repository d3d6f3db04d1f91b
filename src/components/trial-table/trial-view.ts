/**
 * The rows a table shows: a study's trials, filtered and sorted, as a permutation of row indices.
 * Column keys and search text are computed once per column and patched per changed trial, and a
 * live update moves one row by binary search instead of re-sorting, so 1,000 updates a second on
 * 100,000 trials stay cheap.
 */
import type { Trial } from '../../protocol/index.js';
import { statusRank } from '../internal/status.js';
import { ColumnKey } from './column-key.js';
import { type ColumnContext, columnValue, metricColumnId, type TableColumn } from './columns.js';
import { compileFilter, type FilterSource, searchTextOf, type TrialFilters } from './filter.js';
import { type RadixKey, radixSort } from './radix-sort.js';
import { comparator, type SortSpec } from './sort.js';

export class TrialView {
  private trials: Trial[] = [];
  private readonly indexById = new Map<string, number>();
  private readonly keys = new Map<string, ColumnKey>();
  private searchTexts: (string | undefined)[] = [];
  /** Rows below this index have search text (see `prepareSearch`). */
  private searchPrepared = 0;
  /** Shown row indices in display order; entries past `_length` are unused. */
  private order = new Uint32Array(0);
  /** 1 where a row index is shown. */
  private shown = new Uint8Array(0);
  private _length = 0;
  private sort: readonly SortSpec[] = [];
  private filters: TrialFilters = {};
  /** The sort keys, most significant first; `compare` orders rows exactly as `radixSort` does by them. */
  private specs: RadixKey[] = [];
  private compare: (a: number, b: number) => number = (a, b) => a - b;
  private accept?: (index: number) => boolean;
  private ctx!: ColumnContext;

  /**
   * @param column looks a column up by id (sorts and filters on unknown columns are ignored).
   * @param context the current column context, read at each (re)computation.
   */
  constructor(
    private readonly column: (id: string) => TableColumn | undefined,
    private readonly context: () => ColumnContext,
  ) {}

  /** How many trials are shown. */
  get length(): number {
    return this._length;
  }

  /** How many trials the study has, shown or not. */
  get total(): number {
    return this.trials.length;
  }

  /** The trial shown at `position` (0-based). */
  at(position: number): Trial {
    return this.trials[this.order[position]];
  }

  /** The shown trials in display order. */
  *[Symbol.iterator](): IterableIterator<Trial> {
    for (let p = 0; p < this._length; p++) yield this.at(p);
  }

  /** Where a trial is shown, or -1. O(log n). */
  positionOf(trialId: string): number {
    const index = this.indexById.get(trialId);
    return index === undefined || !this.shown[index] ? -1 : this.find(index);
  }

  /**
   * Computes search text for up to `budgetMs` of work, from where the last call stopped; returns
   * true when every row has its text. Called in idle time so that the first search is instant.
   */
  prepareSearch(budgetMs: number): boolean {
    const end = performance.now() + budgetMs;
    for (; this.searchPrepared < this.trials.length; this.searchPrepared++) {
      if ((this.searchPrepared & 255) === 0 && performance.now() > end) return false;
      this.filterSource.searchText(this.searchPrepared);
    }
    return true;
  }

  /** True when the trial is one of the study's rows, shown or not. */
  has(trialId: string): boolean {
    return this.indexById.has(trialId);
  }

  /** Replaces every trial (a new study, a snapshot, a removal) and the query, and recomputes the order. */
  reset(trials: readonly Trial[], sort: readonly SortSpec[], filters: TrialFilters): void {
    this.sort = sort;
    this.filters = filters;
    this.trials = [...trials];
    this.indexById.clear();
    for (let i = 0; i < this.trials.length; i++) this.indexById.set(this.trials[i].id, i);
    this.keys.clear();
    this.searchTexts = [];
    this.searchPrepared = 0;
    this.order = new Uint32Array(this.trials.length);
    this.shown = new Uint8Array(this.trials.length);
    this.refresh();
  }

  /** Sets the sort and filters and recomputes the order. */
  query(sort: readonly SortSpec[], filters: TrialFilters): void {
    this.sort = sort;
    this.filters = filters;
    this.refresh();
  }

  /**
   * Takes a new or changed trial (or new metric points of one) and moves only its row: out of the
   * order by binary search on the old keys, keys patched, back in by binary search on the new ones.
   */
  upsert(trial: Trial): void {
    let index = this.indexById.get(trial.id);
    if (index === undefined) index = this.append(trial);
    else if (this.shown[index]) this.removeAt(this.find(index));
    this.trials[index] = trial;
    this.searchTexts[index] = undefined;
    this.ctx = this.context();
    let rebuilt = false;
    for (const [id, key] of this.keys) {
      if (key.set(index, this.keyValue(this.column(id)!, trial))) continue;
      this.keys.delete(id);
      rebuilt = true;
    }
    // A value the keys could not hold (a new text value, a type change): rare, recompute all.
    if (rebuilt) {
      this.refresh();
      return;
    }
    // Key storage may have grown: the comparator and predicate must read the new arrays.
    this.compile();
    if (!this.accept || this.accept(index)) this.insert(index);
  }

  /** Recomputes keys and the order from scratch (filters, sort, or column context changed). */
  refresh(): void {
    this.ctx = this.context();
    this.compile();
    this.shown.fill(0);
    let n = 0;
    for (let i = 0; i < this.trials.length; i++) {
      if (this.accept && !this.accept(i)) continue;
      this.order[n++] = i;
      this.shown[i] = 1;
    }
    this._length = n;
    radixSort(this.order.subarray(0, n), this.specs);
  }

  /** Builds the comparator and the predicate over the current key arrays (building missing keys). */
  private compile(): void {
    const specs = this.sort.flatMap((s) => {
      const column = this.column(s.column);
      return column ? [{ key: this.key(column), direction: s.direction }] : [];
    });
    const number = this.column('number');
    if (number) specs.push({ key: this.key(number), direction: 'asc' });
    this.specs = specs;
    this.compare = comparator(specs);
    this.accept = compileFilter(this.filters, this.filterSource);
  }

  private readonly filterSource: FilterSource = {
    trial: (i) => this.trials[i],
    metric: (key) => {
      const column = this.column(metricColumnId(key));
      return column ? this.key(column).data : new Float64Array(this.trials.length).fill(Number.NaN);
    },
    searchText: (i) => {
      let text = this.searchTexts[i];
      if (text === undefined) text = this.searchTexts[i] = searchTextOf(this.trials[i]);
      return text;
    },
  };

  private key(column: TableColumn): ColumnKey {
    let key = this.keys.get(column.id);
    if (!key) {
      key = new ColumnKey(this.trials.length, (i) => this.keyValue(column, this.trials[i]));
      this.keys.set(column.id, key);
    }
    return key;
  }

  /** Sorts statuses in lifecycle order rather than alphabetically. */
  private keyValue(column: TableColumn, trial: Trial) {
    return column.kind === 'status' ? statusRank(trial.status) : columnValue(column, trial, this.ctx);
  }

  private append(trial: Trial): number {
    const index = this.trials.length;
    this.trials.push(trial);
    this.indexById.set(trial.id, index);
    if (index >= this.order.length) {
      const capacity = Math.max(16, this.order.length * 2);
      const order = new Uint32Array(capacity);
      order.set(this.order);
      const shown = new Uint8Array(capacity);
      shown.set(this.shown);
      this.order = order;
      this.shown = shown;
    }
    return index;
  }

  /** The position of a shown row index (binary search; the order is total). */
  private find(index: number): number {
    const position = this.lowerBound(index);
    if (this.order[position] === index) return position;
    // Only reachable if a key changed without an upsert; stay correct, if slower.
    return this.order.subarray(0, this._length).indexOf(index);
  }

  private lowerBound(index: number): number {
    let lo = 0;
    let hi = this._length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(this.order[mid], index) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private insert(index: number): void {
    const position = this.lowerBound(index);
    this.order.copyWithin(position + 1, position, this._length);
    this.order[position] = index;
    this._length++;
    this.shown[index] = 1;
  }

  private removeAt(position: number): void {
    if (position < 0) return;
    this.shown[this.order[position]] = 0;
    this.order.copyWithin(position, position + 1, this._length);
    this._length--;
  }
}
