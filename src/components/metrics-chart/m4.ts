/**
 * M4 reduction: per pixel column keep the first, smallest, largest and last point, in the order
 * they occur. A polyline through those points covers the same pixels as the polyline through every
 * point (Jugel et al., "M4: a visualization-oriented time series data aggregation", VLDB 2014),
 * so a chart can draw a million points at the cost of four per column, with no sampling caps.
 */

/** Growable columnar output of a reduction: pixel x, data value and source index per kept point. */
export class ReducedPoints {
  /** Horizontal position in device pixels, relative to the left edge of the plot. */
  px = new Float64Array(0);
  /** The data value (NaN marks a gap: the line breaks there). */
  values = new Float64Array(0);
  /** Index of the point in the source columns (for a gap marker: of the point that broke the line). */
  index = new Int32Array(0);
  /** How many points are filled in. */
  length = 0;

  /** Empties the buffer, keeping its capacity. */
  clear(): void {
    this.length = 0;
  }

  /** Drops every point from `length` on (to re-reduce the last column after an append). */
  truncate(length: number): void {
    this.length = Math.min(this.length, length);
  }

  /** Makes room for `capacity` points up front (a reduction keeps at most four per column). */
  reserve(capacity: number): void {
    if (this.px.length < capacity) this.grow(capacity);
  }

  push(px: number, value: number, index: number): void {
    if (this.length === this.px.length) this.grow();
    this.px[this.length] = px;
    this.values[this.length] = value;
    this.index[this.length] = index;
    this.length++;
  }

  /** Reallocates for at least `capacity` points (at least doubling), keeping those filled in. */
  private grow(capacity = 0): void {
    const size = Math.max(this.px.length * 2, 256, capacity);
    const px = new Float64Array(size);
    const values = new Float64Array(size);
    const index = new Int32Array(size);
    px.set(this.px.subarray(0, this.length));
    values.set(this.values.subarray(0, this.length));
    index.set(this.index.subarray(0, this.length));
    this.px = px;
    this.values = values;
    this.index = index;
  }
}

/** How data x maps to device pixels: `px = (x - x0) * scale`. Linear and time scales both fit. */
export interface PixelMap {
  readonly x0: number;
  readonly scale: number;
}

/**
 * Reduces points `from..to-1` of the columns `xs`/`ys` into `out` (appending). A point whose value
 * is not finite (or not positive when `positiveOnly`, for log scales) is a gap: it closes the
 * current column and leaves one NaN marker, so the line breaks there instead of bridging it.
 * Returns the output offset where the last column started, so an append can re-reduce from there.
 */
export function reduceM4(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  from: number,
  to: number,
  map: PixelMap,
  out: ReducedPoints,
  positiveOnly = false,
): number {
  const { x0, scale } = map;
  // Plain locals, no closure over them: V8 keeps them in registers (a closure would box them).
  let column = Number.NaN;
  let first = -1;
  let low = -1;
  let high = -1;
  let last = -1;
  let lowY = 0;
  let highY = 0;
  let columnStart = out.length;
  for (let i = from; i < to; i++) {
    const y = ys[i];
    const x = xs[i];
    // A non-finite x (a point another metric as x does not reach) breaks the line like a NaN value.
    const valid = (positiveOnly ? y > 0 && y < Number.POSITIVE_INFINITY : y - y === 0) && x - x === 0;
    if (!valid) {
      if (first >= 0) columnStart = emitColumn(xs, ys, first, low, high, last, map, out);
      first = -1;
      if (out.length > 0 && !Number.isNaN(out.values[out.length - 1])) {
        columnStart = out.length;
        out.push(Number.NaN, Number.NaN, i);
      }
      column = Number.NaN;
      continue;
    }
    const c = Math.floor((x - x0) * scale);
    if (c !== column) {
      if (first >= 0) columnStart = emitColumn(xs, ys, first, low, high, last, map, out);
      column = c;
      first = low = high = i;
      lowY = highY = y;
    } else if (y < lowY) {
      low = i;
      lowY = y;
    } else if (y > highY) {
      high = i;
      highY = y;
    }
    last = i;
  }
  if (first >= 0) columnStart = emitColumn(xs, ys, first, low, high, last, map, out);
  return columnStart;
}

/** Writes one column's distinct extreme points in source order; returns where they start in `out`. */
function emitColumn(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  first: number,
  low: number,
  high: number,
  last: number,
  map: PixelMap,
  out: ReducedPoints,
): number {
  const start = out.length;
  const a = Math.min(low, high);
  const b = Math.max(low, high);
  const { x0, scale } = map;
  out.push((xs[first] - x0) * scale, ys[first], first);
  if (a !== first) out.push((xs[a] - x0) * scale, ys[a], a);
  if (b !== a && b !== first) out.push((xs[b] - x0) * scale, ys[b], b);
  if (last !== b && last !== first) out.push((xs[last] - x0) * scale, ys[last], last);
  return start;
}

/** The first index whose x is >= `x` in ascending `xs` (`xs.length` when none). */
export function lowerBound(xs: ArrayLike<number>, x: number, length = xs.length): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index whose x is > `x` in ascending `xs`. */
export function upperBound(xs: ArrayLike<number>, x: number, length = xs.length): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The index range to reduce for the visible x-range `[x0, x1]`: the visible points plus one
 * neighbour on each side, so lines leaving the plot are drawn up to its edge.
 */
export function visibleRange(
  xs: ArrayLike<number>,
  length: number,
  x0: number,
  x1: number,
): [number, number] {
  const from = Math.max(0, lowerBound(xs, x0, length) - 1);
  const to = Math.min(length, upperBound(xs, x1, length) + 1);
  return [from, to];
}
