/**
 * One metric of one trial, held columnar in growable typed arrays so that a chart can read
 * millions of points without a copy and an append costs amortised O(points appended).
 * Points are kept ordered by step: an append that arrives out of order is merged in.
 *
 * The three columns share one buffer (steps, then values, then timestamps, each `capacity` long)
 * and their views are made when first read. A short series keeps that buffer in a plain array: a
 * typed array costs some 200 bytes beyond its data (its buffer object and backing store), which for
 * a study of 100,000 trials x 5 short series was most of the tab's heap.
 */
export class MetricSeries {
  private _data: Float64Array | number[];
  private _capacity: number;
  private _length = 0;
  private _views?: { steps: Float64Array; values: Float64Array; timestamps: Float64Array };
  /** Smallest and largest finite value, or NaN while there is none. */
  min = Number.NaN;
  max = Number.NaN;

  constructor(
    readonly trialId: string,
    readonly key: string,
    // Sized by the first append: 100,000 trials x 5 metrics of one point each must stay small.
    capacity = 0,
  ) {
    this._capacity = capacity;
    this._data = columnsBuffer(capacity);
  }

  get length(): number {
    return this._length;
  }
  /** Steps of the points, ascending; a view valid until the next append. */
  get steps(): Float64Array {
    return this.views().steps;
  }
  get values(): Float64Array {
    return this.views().values;
  }
  get timestamps(): Float64Array {
    return this.views().timestamps;
  }
  /** The value at the highest step, or undefined when empty. */
  get last(): number | undefined {
    return this._length ? this._data[this._capacity + this._length - 1] : undefined;
  }
  get lastStep(): number | undefined {
    return this._length ? this._data[this._length - 1] : undefined;
  }

  /**
   * Appends points (columns of equal length). Returns the first index that changed: the old
   * length when the points extend the series in order, lower when some had to be merged in.
   */
  append(steps: ArrayLike<number>, values: ArrayLike<number>, timestamps: ArrayLike<number>): number {
    const n = steps.length;
    if (n === 0) return this._length;
    const start = this._length;
    this.reserve(start + n);
    for (let i = 0; i < n; i++) this.widen(values[i]);
    const data = this._data;
    const cap = this._capacity;
    const order = sortedOrder(steps);
    // In order past the last point (live tails, windows composed into curves): one copy per column.
    if (!order && (start === 0 || steps[0] >= data[start - 1]) && data instanceof Float64Array) {
      data.set(steps, start);
      data.set(values, cap + start);
      data.set(timestamps, 2 * cap + start);
      this._length = start + n;
      this._views = undefined;
      return start;
    }
    const from = this.upperBound(steps[order ? order[0] : 0], start);
    // Merge from the back: each run of old points moves up once, in one copy per column, to its
    // final slot, so a late point costs O(log n + points after it), not a re-sort.
    let end = start;
    let k = start + n;
    for (let j = n - 1; j >= 0; j--) {
      const b = order ? order[j] : j;
      const at = this.upperBound(steps[b], end);
      const moved = end - at;
      if (moved > 0) {
        k -= moved;
        for (let c = 0; c < 3; c++) data.copyWithin(c * cap + k, c * cap + at, c * cap + end);
        end = at;
      }
      k--;
      data[k] = steps[b];
      data[cap + k] = values[b];
      data[2 * cap + k] = timestamps[b];
    }
    this._length = start + n;
    this._views = undefined;
    return from;
  }

  /** Drops every point (a snapshot is about to refill the series). */
  clear(): void {
    this._length = 0;
    this._views = undefined;
    this.min = Number.NaN;
    this.max = Number.NaN;
  }

  private widen(value: number): void {
    if (!Number.isFinite(value)) return;
    if (!(value >= this.min)) this.min = value;
    if (!(value <= this.max)) this.max = value;
  }

  /** The three columns as views of the shared buffer, made once per change. */
  private views(): NonNullable<MetricSeries['_views']> {
    if (!this._views) {
      const { _data: data, _capacity: cap, _length: n } = this;
      const column = (c: number) =>
        data instanceof Float64Array
          ? data.subarray(c * cap, c * cap + n)
          : Float64Array.from(data.slice(c * cap, c * cap + n));
      this._views = { steps: column(0), values: column(1), timestamps: column(2) };
    }
    return this._views;
  }

  private reserve(capacity: number): void {
    if (capacity <= this._capacity) return;
    const size = Math.max(capacity, this._capacity * 2);
    const old = this._data;
    const oldCap = this._capacity;
    const next = columnsBuffer(size);
    const n = this._length;
    for (let c = 0; c < 3; c++) {
      // Typed to typed (every growth past a short series): one block copy per column. An element
      // loop over both kinds of buffer was megamorphic in Chromium: half a second of a busy tab's
      // main thread each 15 s of live appends.
      if (old instanceof Float64Array && next instanceof Float64Array)
        next.set(old.subarray(c * oldCap, c * oldCap + n), c * size);
      else for (let i = 0; i < n; i++) next[c * size + i] = old[c * oldCap + i];
    }
    this._data = next;
    this._capacity = size;
  }

  /** The first index below `end` whose step is above `step` (points of an equal step stay first). */
  private upperBound(step: number, end: number): number {
    let lo = 0;
    let hi = end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this._data[mid] <= step) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Indices of `steps` in ascending step order (stable), or undefined when they already are. */
function sortedOrder(steps: ArrayLike<number>): number[] | undefined {
  let sorted = true;
  for (let i = 1; i < steps.length && sorted; i++) sorted = steps[i] >= steps[i - 1];
  if (sorted) return undefined;
  return Array.from({ length: steps.length }, (_, i) => i).sort((a, b) => steps[a] - steps[b] || a - b);
}

/** Points up to which a series' buffer is a plain array (no typed-array overhead). */
const SHORT_SERIES = 32;

/** A buffer for three columns of `capacity` points each. */
function columnsBuffer(capacity: number): Float64Array | number[] {
  return capacity > SHORT_SERIES ? new Float64Array(3 * capacity) : new Array<number>(3 * capacity).fill(0);
}

/** The key a series is filed under in a store and in change sets (one definition, in `protocol`). */
export { seriesId } from '../protocol/series-id.js';
