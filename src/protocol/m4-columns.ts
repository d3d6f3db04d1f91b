/**
 * The exact definition of a series window's M4 points, shared by the reference reduction over raw
 * points ({@link m4Columns}) and by storage, which reaches the same answer from bucket summaries.
 *
 * Column `j` of `columns` over `[from, to]` covers `[columnStart(j), columnStart(j + 1))`, the last
 * one closed at `to`. Per column it keeps the first and last point in x order (ties: storage
 * order), the point of smallest and of largest value (ties: the first in x order) among the
 * finite values, and the first point whose value is not finite (NaN, ±Infinity), a gap marker:
 * charts draw no value there, and a divergence to Infinity must not hide a finite spike beside it.
 * The kept points are deduplicated and emitted in x order.
 *
 * Differences from the chart's `reduceM4`, which reduces points already in the tab: that one
 * splits a column at every non-finite value (a gap ends the column), while here a column keeps
 * one set of extremes and one gap marker; that one takes points in x order and pixels from a
 * scale, while here points may come in any order and columns are the fixed grid above. Both keep
 * first, min, max and last per column.
 */
import type { SeriesWindowX } from './series-window.js';

/** Where column `j` starts; `columnStart(columns)` is `to`. */
export function columnStart(j: number, from: number, to: number, columns: number): number {
  return j >= columns ? to : from + (j * (to - from)) / columns;
}

/** The column of `x`, or -1 outside `[from, to]`. Consistent with {@link columnStart} to the last bit. */
export function columnOf(x: number, from: number, to: number, columns: number): number {
  if (!(x >= from && x <= to)) return -1;
  const last = columns - 1;
  let j = to > from ? Math.min(last, Math.max(0, Math.floor(((x - from) / (to - from)) * columns))) : last;
  while (j < last && x >= columnStart(j + 1, from, to, columns)) j++;
  while (j > 0 && x < columnStart(j, from, to, columns)) j--;
  return j;
}

/** The reduced points of a window part, in x order, and whether they are every point in range. */
export interface M4Points {
  steps: number[];
  values: number[];
  timestamps: number[];
  raw: boolean;
}

// A slot is one kept point: x, step, value, timestamp, index (NaN index: empty).
const FIELDS = 5;
const FIRST = 0;
const LAST = 1;
const MIN = 2;
const MAX = 3;
const GAP = 4;
const SLOTS = 5;
/** Float64 fields of the points kept for one column (or one storage bucket) by {@link keepPoint}. */
export const M4_KEPT_FIELDS = SLOTS * FIELDS;

/**
 * Offers one point to the kept points at `slots[base..base + M4_KEPT_FIELDS)` (all NaN when
 * empty). Each slot keeps the winner of a total order, so offering the kept points of a part is
 * the same as offering every point of it, in any order. `index` identifies a point (its position
 * in the series) for ties and deduplication.
 */
export function keepPoint(
  slots: Float64Array,
  base: number,
  x: number,
  step: number,
  value: number,
  timestamp: number,
  index: number,
): void {
  const s = slots;
  const first = base + FIRST * FIELDS;
  if (Number.isNaN(s[first + 4]) || precedes(x, index, s[first], s[first + 4]))
    setSlot(s, first, x, step, value, timestamp, index);
  const last = base + LAST * FIELDS;
  if (Number.isNaN(s[last + 4]) || precedes(s[last], s[last + 4], x, index))
    setSlot(s, last, x, step, value, timestamp, index);
  if (!Number.isFinite(value)) {
    const gap = base + GAP * FIELDS;
    if (Number.isNaN(s[gap + 4]) || precedes(x, index, s[gap], s[gap + 4]))
      setSlot(s, gap, x, step, value, timestamp, index);
    return;
  }
  const min = base + MIN * FIELDS;
  if (
    Number.isNaN(s[min + 4]) ||
    value < s[min + 2] ||
    (value === s[min + 2] && precedes(x, index, s[min], s[min + 4]))
  )
    setSlot(s, min, x, step, value, timestamp, index);
  const max = base + MAX * FIELDS;
  if (
    Number.isNaN(s[max + 4]) ||
    value > s[max + 2] ||
    (value === s[max + 2] && precedes(x, index, s[max], s[max + 4]))
  )
    setSlot(s, max, x, step, value, timestamp, index);
}

/** The kept point of slot `slot` (0 first, 1 last, 2 min, 3 max, 4 first not finite) at `base`, if any. */
export function keptPoint(
  slots: Float64Array,
  base: number,
  slot: number,
): { step: number; value: number; timestamp: number } | undefined {
  const o = base + slot * FIELDS;
  return Number.isNaN(slots[o + 4])
    ? undefined
    : { step: slots[o + 1], value: slots[o + 2], timestamp: slots[o + 3] };
}

function setSlot(
  s: Float64Array,
  o: number,
  x: number,
  step: number,
  value: number,
  timestamp: number,
  index: number,
): void {
  s[o] = x;
  s[o + 1] = step;
  s[o + 2] = value;
  s[o + 3] = timestamp;
  s[o + 4] = index;
}

/**
 * Gathers the M4 points of every column from points offered in any order (see {@link keepPoint}).
 * A column's slots are made when its first point arrives: a window over a thousand series holds
 * a thousand accumulators at once, most of whose columns are empty when the window is narrow.
 */
export class M4Accumulator {
  /** Per column, where its kept points start in `slots`, or -1 while it has none. */
  private readonly slotsOf: Int32Array;
  private slots: Float64Array;
  /** Columns holding points, in the order they got them. */
  private used: number[] = [];
  private points = 0;

  constructor(readonly columns: number) {
    this.slotsOf = new Int32Array(columns).fill(-1);
    this.slots = new Float64Array(Math.min(columns, 64) * M4_KEPT_FIELDS);
  }

  /** Empties every column, for the next series (a window of a thousand series need not hold a thousand). */
  reset(): this {
    for (const column of this.used) this.slotsOf[column] = -1;
    this.used = [];
    this.points = 0;
    return this;
  }

  /** Counts points in range that were (or were summarised by what was) offered, for `raw`. */
  tally(points: number): void {
    this.points += points;
  }

  /** Offers one point to column `column`. */
  offer(column: number, x: number, step: number, value: number, timestamp: number, index: number): void {
    // Where first: making a column's slots may replace `slots`.
    const at = this.slotsAt(column);
    keepPoint(this.slots, at, x, step, value, timestamp, index);
  }

  /** Offers the kept points of a part (`kept[base..base + M4_KEPT_FIELDS)`) to column `column`. */
  offerKept(column: number, kept: Float64Array, base: number): void {
    const at = this.slotsAt(column);
    // Into an empty column the part's kept points go as they are (they won the same orders).
    if (Number.isNaN(this.slots[at + FIRST * FIELDS + 4])) {
      this.slots.set(kept.subarray(base, base + M4_KEPT_FIELDS), at);
      return;
    }
    for (let o = base; o < base + M4_KEPT_FIELDS; o += FIELDS) {
      if (!Number.isNaN(kept[o + 4]))
        this.offer(column, kept[o], kept[o + 1], kept[o + 2], kept[o + 3], kept[o + 4]);
    }
  }

  /** Where column `column`'s kept points start, empty ones made for it if it had none. */
  private slotsAt(column: number): number {
    const held = this.slotsOf[column];
    if (held >= 0) return held;
    const at = this.used.length * M4_KEPT_FIELDS;
    if (at + M4_KEPT_FIELDS > this.slots.length) {
      const grown = new Float64Array(Math.min(this.columns, this.used.length * 2 + 1) * M4_KEPT_FIELDS);
      grown.set(this.slots);
      this.slots = grown;
    }
    this.slots.fill(Number.NaN, at, at + M4_KEPT_FIELDS);
    this.slotsOf[column] = at;
    this.used.push(column);
    return at;
  }

  /** The kept points, deduplicated, in x order (ties: index order). */
  result(): M4Points {
    const s = this.slots;
    const out: M4Points = { steps: [], values: [], timestamps: [], raw: false };
    // A column keeps at most SLOTS points: sorted by insertion, without allocating per column.
    const kept = new Int32Array(SLOTS);
    const columns = this.used.length < this.columns ? [...this.used].sort((a, b) => a - b) : undefined;
    const count = columns ? columns.length : this.columns;
    for (let i = 0; i < count; i++) {
      const base = this.slotsOf[columns ? columns[i] : i];
      if (base < 0) continue;
      let n = 0;
      for (let slot = 0; slot < SLOTS; slot++) {
        const o = base + slot * FIELDS;
        const index = s[o + 4];
        if (Number.isNaN(index) || isKept(s, kept, n, index)) continue;
        let j = n++;
        for (; j > 0 && precedes(s[o], index, s[kept[j - 1]], s[kept[j - 1] + 4]); j--) kept[j] = kept[j - 1];
        kept[j] = o;
      }
      for (let j = 0; j < n; j++) {
        out.steps.push(s[kept[j] + 1]);
        out.values.push(s[kept[j] + 2]);
        out.timestamps.push(s[kept[j] + 3]);
      }
    }
    out.raw = out.steps.length === this.points;
    return out;
  }
}

/** Whether the point of append index `index` is among the first `n` kept. */
function isKept(s: Float64Array, kept: Int32Array, n: number, index: number): boolean {
  for (let j = 0; j < n; j++) if (s[kept[j] + 4] === index) return true;
  return false;
}

/** Whether point (x1, i1) comes before (x2, i2) in x order, ties broken by index. */
function precedes(x1: number, i1: number, x2: number, i2: number): boolean {
  return x1 < x2 || (x1 === x2 && i1 < i2);
}

/** Raw points in storage order (the position of a point is its index). */
export interface ColumnarSeries {
  steps: ArrayLike<number>;
  values: ArrayLike<number>;
  timestamps: ArrayLike<number>;
}

/**
 * The reference reduction: the M4 points of `columns` columns over `[from, to]` on axis `x`, from
 * every raw point. `start` is the trial's start, for `relative` (x = timestamp - start).
 */
export function m4Columns(
  points: ColumnarSeries,
  x: SeriesWindowX,
  from: number,
  to: number,
  columns: number,
  start = 0,
): M4Points {
  const acc = new M4Accumulator(columns);
  const xs = x === 'step' ? points.steps : points.timestamps;
  const offset = x === 'relative' ? start : 0;
  for (let i = 0; i < xs.length; i++) {
    const xi = xs[i] - offset;
    const column = columnOf(xi, from, to, columns);
    if (column < 0) continue;
    acc.offer(column, xi, points.steps[i], points.values[i], points.timestamps[i], i);
    acc.tally(1);
  }
  return acc.result();
}
