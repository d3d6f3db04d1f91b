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
   */
  append(steps: ArrayLike<number>, values: ArrayLike<number>, timestamps: ArrayLike<number>): number {
    const n = steps.length;
    if (n === 0) return this._length;
    const start = this._length;
    this.reserve(start + n);
    let inOrder = start === 0 || steps[0] >= this._steps[start - 1];
    for (let i = 0; i < n; i++) {
      const j = start + i;
      const step = steps[i];
      if (i > 0 && step < steps[i - 1]) inOrder = false;
      this._steps[j] = step;
      this._values[j] = values[i];
      this._timestamps[j] = timestamps[i];
      this.widen(values[i]);
    }
    this._length = start + n;
    if (inOrder) return start;
    return this.sortFrom(this.firstOutOfOrder(start));
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

  /** The first index whose step is above the smallest step appended at or after `start`. */
  private firstOutOfOrder(start: number): number {
    let smallest = Number.POSITIVE_INFINITY;
    for (let i = start; i < this._length; i++) smallest = Math.min(smallest, this._steps[i]);
    let lo = 0;
    let hi = start;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this._steps[mid] <= smallest) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Re-sorts points from `from` on by step (stable), returns `from`. Rare: late or replayed points. */
  private sortFrom(from: number): number {
    const count = this._length - from;
    const order = Array.from({ length: count }, (_, i) => from + i);
    order.sort((a, b) => this._steps[a] - this._steps[b] || a - b);
    const steps = order.map((i) => this._steps[i]);
    const values = order.map((i) => this._values[i]);
    const timestamps = order.map((i) => this._timestamps[i]);
    this._steps.set(steps, from);
    this._values.set(values, from);
    this._timestamps.set(timestamps, from);
    return from;
  }
}

/** The key a series is filed under in a store and in change sets (one definition, in `protocol`). */
export { seriesId } from '../protocol/index.js';
