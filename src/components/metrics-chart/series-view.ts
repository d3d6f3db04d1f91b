/**
 * One trial's curve as the chart sees it: the x column in axis units, the (possibly smoothed)
 * values, and the M4 reduction for the current zoom, all kept up to date incrementally. When points
 * are appended in order and the x mapping is unchanged, only the last pixel column is reduced
 * again; untouched series cost nothing per frame.
 */
import type { MetricSeries } from '../../client/index.js';
import type { Trial } from '../../protocol/index.js';
import { type PixelMap, ReducedPoints, reduceM4, visibleRange } from './m4.js';
import { type Domain, Extent, pixelMap, type XAxis } from './scales.js';
import { EmaState, extendEma } from './smoothing.js';

/** How a view reads its series; a change of any field rebuilds the derived columns. */
export interface ViewMode {
  readonly xAxis: XAxis;
  readonly smoothing: number;
  readonly log: boolean;
}

export interface SeriesStyle {
  readonly color: string;
  /** Dash pattern in CSS pixels; empty for solid. */
  readonly dash: readonly number[];
  /** The trial carries the chart's `highlightFlag`. */
  readonly flagged: boolean;
}

export class SeriesView {
  /** Source points already drawn on the canvas (the next tail draw starts after them). */
  drawnLength = 0;
  /** Extent of the reduced values at the current zoom: what the y axis must show. */
  readonly visible = new Extent();
  /** Extent of x in axis units over the whole series. */
  readonly xExtent = new Extent();
  readonly reduced = new ReducedPoints();
  /** Full reductions done so far (appends extend the last one instead): lets tests prove reuse. */
  reductions = 0;

  private mode?: ViewMode;
  private smoothed?: Float64Array;
  private ema = new EmaState();
  /** Source points the x extent and sortedness cover. */
  private scanned = 0;
  private sorted = true;
  /** What `reduced` was built for, and from how many source points. */
  private reducedFor?: { x0: number; scale: number; width: number; log: boolean };
  private reducedLength = 0;
  private reducedFrom = 0;
  private lastColumn = 0;

  constructor(
    public trial: Trial,
    readonly series: MetricSeries,
    public style: SeriesStyle,
  ) {}

  get length(): number {
    return this.series.length;
  }

  /** Raw x values: steps, or epoch-ms timestamps for both time axes. */
  get xs(): Float64Array {
    return this.mode?.xAxis === 'step' ? this.series.steps : this.series.timestamps;
  }

  /** The values drawn: the series' own, or their EMA when smoothing. */
  get ys(): Float64Array {
    return this.smoothed ? this.smoothed.subarray(0, this.series.length) : this.series.values;
  }

  /** Raw x to axis units is `(raw - offset) * factor`; relative time counts seconds from the start. */
  get offset(): number {
    if (this.mode?.xAxis !== 'relative') return 0;
    return this.trial.startedAt ?? (this.series.length ? this.series.timestamps[0] : 0);
  }
  get factor(): number {
    return this.mode?.xAxis === 'relative' ? 1 / 1000 : 1;
  }

  /**
   * Brings derived columns up to date. `changedFrom` is the first source index that changed since
   * the last call (the store's `SeriesChange.from`); pass 0 to rebuild. Runs once per commit.
   */
  update(mode: ViewMode, changedFrom = this.series.length): void {
    if (!this.mode || !sameMode(this.mode, mode)) {
      this.mode = mode;
      changedFrom = 0;
    }
    if (changedFrom < this.scanned) this.rescan();
    if (changedFrom < this.reducedLength) this.reducedFor = undefined;
    this.updateSmoothing(changedFrom);
    this.scanX();
  }

  /** The pixel map for this series' x values onto a plot `width` device pixels wide. */
  pixelMap(domain: Domain, width: number): PixelMap {
    return pixelMap(domain, width, this.offset, this.factor);
  }

  /**
   * Reduces the series for the x `domain` on a plot `width` device pixels wide, reusing the last
   * reduction when only points were appended; updates `visible`.
   */
  reduce(domain: Domain, width: number): void {
    const map = this.pixelMap(domain, width);
    const log = this.mode?.log ?? false;
    const key = this.reducedFor;
    const n = this.series.length;
    const [from, to] = this.range(map, width);
    const reusable =
      key && key.x0 === map.x0 && key.scale === map.scale && key.width === width && key.log === log;
    if (reusable && this.sorted && from === this.reducedFrom) {
      if (n === this.reducedLength) return;
      // The last column may gain points: drop it and reduce again from its first point.
      const start = Math.min(this.lastColumn, this.reduced.length);
      const restart = start < this.reduced.length ? this.reduced.index[start] : from;
      this.reduced.truncate(start);
      this.lastColumn = reduceM4(this.xs, this.ys, restart, to, map, this.reduced, log);
      this.widenVisible(start);
    } else {
      this.reductions++;
      this.reduced.clear();
      this.reduced.reserve(Math.min(4 * width + 8, 4 * (to - from) + 8));
      this.visible.reset();
      this.lastColumn = reduceM4(this.xs, this.ys, from, to, map, this.reduced, log);
      this.widenVisible(0);
    }
    this.reducedFor = { x0: map.x0, scale: map.scale, width, log };
    this.reducedLength = n;
    this.reducedFrom = from;
  }

  /**
   * Reduces the points appended since the last draw, starting at the last drawn point so the
   * line continues from it, into `out`. Returns false when there is nothing new.
   */
  reduceTail(domain: Domain, width: number, out: ReducedPoints): boolean {
    out.clear();
    const map = this.pixelMap(domain, width);
    const [from, to] = this.range(map, width);
    const start = Math.max(from, this.drawnLength - 1);
    if (start >= to || this.drawnLength >= this.series.length) return false;
    reduceM4(this.xs, this.ys, start, to, map, out, this.mode?.log ?? false);
    return out.length > 0;
  }

  /** Index of the source point nearest to the axis value `x`, or -1 when empty. */
  nearest(x: number): number {
    const n = this.series.length;
    if (n === 0) return -1;
    const xs = this.xs;
    const raw = x / this.factor + this.offset;
    if (!this.sorted) {
      let best = 0;
      for (let i = 1; i < n; i++) if (Math.abs(xs[i] - raw) < Math.abs(xs[best] - raw)) best = i;
      return best;
    }
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (xs[mid] < raw) lo = mid + 1;
      else hi = mid;
    }
    if (lo === n) return n - 1;
    if (lo > 0 && raw - xs[lo - 1] <= xs[lo] - raw) return lo - 1;
    return lo;
  }

  /** Raw x of point `i` in axis units. */
  axisX(i: number): number {
    return (this.xs[i] - this.offset) * this.factor;
  }

  /** The source range to reduce: visible points plus a neighbour each side (all when unsorted). */
  private range(map: PixelMap, width: number): [number, number] {
    const n = this.series.length;
    if (!this.sorted) return [0, n];
    const x1 = map.x0 + width / map.scale;
    return visibleRange(this.xs, n, map.x0, x1);
  }

  private widenVisible(from: number): void {
    const { values, length } = this.reduced;
    for (let i = from; i < length; i++) {
      const v = values[i];
      if (!Number.isNaN(v)) this.visible.add(v);
    }
  }

  private updateSmoothing(changedFrom: number): void {
    const smoothing = this.mode?.smoothing ?? 0;
    if (smoothing <= 0) {
      this.smoothed = undefined;
      return;
    }
    const n = this.series.length;
    if (!this.smoothed || changedFrom < this.ema.length) this.ema = new EmaState();
    if (!this.smoothed || this.smoothed.length < n) {
      const grown = new Float64Array(Math.max(64, n * 2));
      if (this.smoothed) grown.set(this.smoothed.subarray(0, this.ema.length));
      this.smoothed = grown;
    }
    extendEma(this.xs, this.series.values, n, smoothing, this.ema, this.smoothed);
  }

  private rescan(): void {
    this.scanned = 0;
    this.sorted = true;
    this.xExtent.reset();
  }

  /** Extends the x extent and the sortedness check over new points. */
  private scanX(): void {
    const xs = this.xs;
    const n = this.series.length;
    const offset = this.offset;
    const factor = this.factor;
    for (let i = this.scanned; i < n; i++) {
      if (i > 0 && xs[i] < xs[i - 1]) this.sorted = false;
      this.xExtent.add((xs[i] - offset) * factor);
    }
    this.scanned = n;
  }
}

function sameMode(a: ViewMode, b: ViewMode): boolean {
  return a.xAxis === b.xAxis && a.smoothing === b.smoothing && a.log === b.log;
}
