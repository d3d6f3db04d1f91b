/**
 * One metric of one trial, held columnar in growable typed arrays so that a chart can read
 * millions of points without a copy and an append costs amortised O(points appended).
 * Points are kept ordered by step: an append that arrives out of order is merged in.
 */
export class MetricSeries {
  private _steps: Float64Array;
  private _values: Float64Array;
  private _timestamps: Float64Array;
  private _length = 0;
  /** Smallest and largest finite value, or NaN while there is none. */
  min = Number.NaN;
  max = Number.NaN;

  constructor(
    readonly trialId: string,
    readonly key: string,
    // Sized by the first append: 100,000 trials x 5 metrics of one point each must stay small.
    capacity = 0,
  ) {
    this._steps = new Float64Array(capacity);
    this._values = new Float64Array(capacity);
    this._timestamps = new Float64Array(capacity);
  }

  get length(): number {
    return this._length;
  }
  /** Steps of the points, ascending; a view valid until the next append. */
  get steps(): Float64Array {
    return this._steps.subarray(0, this._length);
  }
  get values(): Float64Array {
    return this._values.subarray(0, this._length);
  }
  get timestamps(): Float64Array {
    return this._timestamps.subarray(0, this._length);
  }
  /** The value at the highest step, or undefined when empty. */
  get last(): number | undefined {
    return this._length ? this._values[this._length - 1] : undefined;
  }
  get lastStep(): number | undefined {
    return this._length ? this._steps[this._length - 1] : undefined;
  }

  /**
   * Appends points (columns of equal length). Returns the first index that changed: the old
   * length when the points extend the series in order, lower when some had to be merged in.
   * A point below the last step is placed by binary search and the points after it move up once:
   * O(log n + k) for k points moved, never a re-sort of the series.
   */
  append(steps: ArrayLike<number>, values: ArrayLike<number>, timestamps: ArrayLike<number>): number {
    const n = steps.length;
    if (n === 0) return this._length;
    const start = this._length;
    this.reserve(start + n);
    for (let i = 0; i < n; i++) this.widen(values[i]);
    const order = sortedOrder(steps);
    const from = this.upperBound(steps[order ? order[0] : 0], start);
    // Merge from the back: each run of old points moves up once, in one copy, to its final slot.
    let end = start;
    let k = start + n;
    for (let j = n - 1; j >= 0; j--) {
      const b = order ? order[j] : j;
      const at = this.upperBound(steps[b], end);
      const moved = end - at;
      if (moved > 0) {
        k -= moved;
        this._steps.copyWithin(k, at, end);
        this._values.copyWithin(k, at, end);
        this._timestamps.copyWithin(k, at, end);
        end = at;
      }
      k--;
      this._steps[k] = steps[b];
      this._values[k] = values[b];
      this._timestamps[k] = timestamps[b];
    }
    this._length = start + n;
    return from;
  }

  /** Drops every point (a snapshot is about to refill the series). */
  clear(): void {
    this._length = 0;
    this.min = Number.NaN;
    this.max = Number.NaN;
  }

  private widen(value: number): void {
    if (!Number.isFinite(value)) return;
    if (!(value >= this.min)) this.min = value;
    if (!(value <= this.max)) this.max = value;
  }

  private reserve(capacity: number): void {
    if (capacity <= this._steps.length) return;
    const size = Math.max(capacity, this._steps.length * 2);
    const grow = (old: Float64Array) => {
      const next = new Float64Array(size);
      next.set(old.subarray(0, this._length));
      return next;
    };
    this._steps = grow(this._steps);
    this._values = grow(this._values);
    this._timestamps = grow(this._timestamps);
  }

  /** The first index below `end` whose step is above `step` (points of an equal step stay first). */
  private upperBound(step: number, end: number): number {
    let lo = 0;
    let hi = end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this._steps[mid] <= step) lo = mid + 1;
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

/** The key a series is filed under in a store and in change sets (one definition, in `protocol`). */
export { seriesId } from '../protocol/index.js';
