/**
 * One trial's curve as the chart sees it: the x column in axis units, the (possibly smoothed)
 * values, and the M4 reduction for the current zoom, all kept up to date incrementally. When points
 * are appended in order and the x mapping is unchanged, only the last pixel column is reduced
 * again; untouched series cost nothing per frame.
 */
import type { MetricSeries } from '../../client/index.js';
import type { Trial } from '../../protocol/index.js';
import { type PixelMap, ReducedPoints, reduceM4, visibleRange } from './m4.js';
import { MetricX, pairedFrom } from './metric-x.js';
import { type Domain, Extent, pixelMap, type XKind } from './scales.js';
import type * as Smoothing from './smoothing.js';
import type { EmaState } from './smoothing.js';
import type { SmoothingKind } from './smoothing-kinds.js';

/** How a view reads its series; a change of any field rebuilds the derived columns. */
export interface ViewMode {
  readonly xAxis: XKind;
  /** With `xAxis` `metric`: the metric whose value is x. */
  readonly xMetric?: string;
  readonly smoothing: number;
  /** How `smoothing` smooths; `ema` when unset. */
  readonly smoothingKind?: SmoothingKind;
  /**
   * The smoothing code, which comes with the chart's on-demand chunk (most charts never smooth):
   * until it has arrived the curves are drawn as they are.
   */
  readonly smoother?: typeof Smoothing;
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
  /** The raw values' reduction while smoothing (drawn faint behind the smoothed curve), else empty. */
  readonly rawReduced = new ReducedPoints();
  /** Full reductions done so far (appends extend the last one instead): lets tests prove reuse. */
  reductions = 0;

  private mode?: ViewMode;
  private smoothed?: Float64Array;
  private ema?: EmaState;
  /** Source points the x extent and sortedness cover. */
  private scanned = 0;
  private sorted = true;
  /** What `reduced` was built for, and from how many source points. */
  private reducedFor?: { x0: number; scale: number; width: number; log: boolean };
  private reducedLength = 0;
  private reducedFrom = 0;
  private lastColumn = 0;
  private rawLastColumn = 0;
  /** First source index whose smoothed value changed since the last reduction (windowed kinds). */
  private staleFrom = Number.POSITIVE_INFINITY;
  /** With another metric as x: each point's x, paired by step. */
  private metricX?: MetricX;

  /**
   * `xSeries` is the trial's curve of the metric used as x, when there is one (a new curve object
   * makes a new view).
   */
  constructor(
    public trial: Trial,
    readonly series: MetricSeries,
    public style: SeriesStyle,
    readonly xSeries?: MetricSeries,
  ) {}

  get length(): number {
    return this.series.length;
  }

  /** Raw x values: steps, epoch-ms timestamps for both time axes, or the x metric's values. */
  get xs(): Float64Array {
    if (this.metricX) return this.metricX.xs;
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

  /** Whether the drawn values are smoothed (the raw curve is then drawn faint behind them). */
  get smoothing(): boolean {
    return this.smoothed !== undefined;
  }

  /**
   * Brings derived columns up to date. `changedFrom` is the first source index that changed since
   * the last call (the store's `SeriesChange.from`); pass 0 to rebuild. Runs once per commit.
   * Returns the first index whose drawn value changed: earlier than `changedFrom` when a centred
   * smoothing window reaches back from appended points (the curve must then be repainted).
   */
  update(mode: ViewMode, changedFrom = this.series.length): number {
    if (!this.mode || !sameMode(this.mode, mode)) {
      this.mode = mode;
      changedFrom = 0;
    }
    if (mode.xAxis === 'metric') {
      this.metricX ??= new MetricX();
      this.metricX.fill(this.series.steps, this.series.length, this.xSeries, changedFrom);
    } else this.metricX = undefined;
    if (changedFrom < this.scanned) this.rescan();
    if (changedFrom < this.reducedLength) this.reducedFor = undefined;
    const smoothedFrom = this.updateSmoothing(changedFrom);
    if (smoothedFrom < this.reducedLength) this.staleFrom = Math.min(this.staleFrom, smoothedFrom);
    this.scanX();
    return Math.min(changedFrom, smoothedFrom);
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
    const raw = this.smoothed ? this.series.values : undefined;
    if (reusable && this.sorted && from === this.reducedFrom) {
      if (n === this.reducedLength && this.staleFrom >= n) return;
      // The last column may gain points, and a centred smoothing window rewrites some before it:
      // drop the columns from the first one touched and reduce again from its first point.
      const start = Math.min(this.lastColumn, columnOf(this.reduced, this.staleFrom));
      const restart = start < this.reduced.length ? this.reduced.index[start] : from;
      this.reduced.truncate(start);
      this.lastColumn = reduceM4(this.xs, this.ys, restart, to, map, this.reduced, log);
      this.widenVisible(this.reduced, start);
      if (raw) {
        const rawStart = Math.min(this.rawLastColumn, this.rawReduced.length);
        const rawRestart = rawStart < this.rawReduced.length ? this.rawReduced.index[rawStart] : from;
        this.rawReduced.truncate(rawStart);
        this.rawLastColumn = reduceM4(this.xs, raw, rawRestart, to, map, this.rawReduced, log);
        this.widenVisible(this.rawReduced, rawStart);
      }
    } else {
      this.reductions++;
      this.visible.reset();
      const size = Math.min(4 * width + 8, 4 * (to - from) + 8);
      this.lastColumn = this.reduceAll(this.ys, from, to, map, this.reduced, size);
      this.rawReduced.clear();
      if (raw) this.rawLastColumn = this.reduceAll(raw, from, to, map, this.rawReduced, size);
    }
    this.reducedFor = { x0: map.x0, scale: map.scale, width, log };
    this.reducedLength = n;
    this.reducedFrom = from;
    this.staleFrom = Number.POSITIVE_INFINITY;
  }

  /** A whole reduction of `ys[from..to)` into `out`, widening `visible`; returns its last column. */
  private reduceAll(
    ys: Float64Array,
    from: number,
    to: number,
    map: PixelMap,
    out: ReducedPoints,
    size: number,
  ): number {
    out.clear();
    out.reserve(size);
    const last = reduceM4(this.xs, ys, from, to, map, out, this.mode?.log ?? false);
    this.widenVisible(out, 0);
    return last;
  }

  /**
   * Reduces the points appended since the last draw, starting at the last drawn point so the
   * line continues from it, into `out`. Returns false when there is nothing new.
   */
  reduceTail(domain: Domain, width: number, out: ReducedPoints, raw = false): boolean {
    out.clear();
    const map = this.pixelMap(domain, width);
    const [from, to] = this.range(map, width);
    const start = Math.max(from, this.drawnLength - 1);
    if (start >= to || this.drawnLength >= this.series.length) return false;
    const ys = raw ? this.series.values : this.ys;
    reduceM4(this.xs, ys, start, to, map, out, this.mode?.log ?? false);
    return out.length > 0;
  }

  /** Index of the source point nearest to the axis value `x`, or -1 when empty. */
  nearest(x: number): number {
    const n = this.series.length;
    if (n === 0) return -1;
    const xs = this.xs;
    const raw = x / this.factor + this.offset;
    if (!this.sorted) {
      let best = -1;
      let distance = Number.POSITIVE_INFINITY;
      for (let i = 0; i < n; i++) {
        const d = Math.abs(xs[i] - raw);
        if (d < distance) {
          best = i;
          distance = d;
        }
      }
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

  /**
   * The first point whose x may have changed when the x metric's curve changed from its index
   * `xFrom`; the length when x is not another metric.
   */
  xChangedFrom(xFrom: number): number {
    if (!this.metricX || !this.xSeries) return this.series.length;
    return pairedFrom(this.series.steps, this.series.length, this.xSeries, xFrom);
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

  private widenVisible(points: ReducedPoints, from: number): void {
    const { values, length } = points;
    for (let i = from; i < length; i++) {
      const v = values[i];
      if (!Number.isNaN(v)) this.visible.add(v);
    }
  }

  /** Smooths the changed points; returns the first index whose smoothed value changed. */
  private updateSmoothing(changedFrom: number): number {
    const smoothing = this.mode?.smoothing ?? 0;
    const kind = this.mode?.smoothingKind ?? 'ema';
    const code = this.mode?.smoother;
    if (smoothing <= 0 || !code) {
      this.smoothed = undefined;
      return changedFrom;
    }
    const n = this.series.length;
    const fresh = !this.smoothed;
    if (!this.smoothed || this.smoothed.length < n) {
      const grown = new Float64Array(Math.max(64, n * 2));
      if (this.smoothed) grown.set(this.smoothed);
      this.smoothed = grown;
    }
    if (kind !== 'ema') {
      const from = fresh ? 0 : changedFrom;
      return code.smoothWindowed(
        this.series.values,
        n,
        from,
        code.boxHalfWidths(kind, smoothing),
        this.smoothed,
      );
    }
    // The EMA looks back only: points before the change keep their values.
    if (fresh || !this.ema || changedFrom < this.ema.length) this.ema = new code.EmaState();
    code.extendEma(this.xs, this.series.values, n, smoothing, this.ema, this.smoothed);
    return changedFrom;
  }

  private rescan(): void {
    this.scanned = 0;
    this.sorted = true;
    this.xExtent.reset();
  }

  /**
   * Extends the x extent and the sortedness check over new points: one tight loop over raw x (the
   * map to axis units is increasing, so the raw extremes are the extremes), the chart's first cost.
   */
  private scanX(): void {
    const xs = this.xs;
    const n = this.series.length;
    if (this.mode?.xAxis === 'step' && n > 0) {
      // A series keeps its points ordered by step: the extent is its ends, no scan needed.
      this.xExtent.add(xs[0]);
      this.xExtent.add(xs[n - 1]);
      this.scanned = n;
      return;
    }
    let sorted = this.sorted;
    let previous = this.scanned > 0 ? xs[this.scanned - 1] : Number.NEGATIVE_INFINITY;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = this.scanned; i < n; i++) {
      const x = xs[i];
      // A point without x (another metric as x does not reach it) is skipped: binary searches cannot.
      if (Number.isNaN(x)) {
        sorted = false;
        continue;
      }
      if (x < previous) sorted = false;
      previous = x;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    this.sorted = sorted;
    if (min <= max) {
      this.xExtent.add((min - this.offset) * this.factor);
      this.xExtent.add((max - this.offset) * this.factor);
    }
    this.scanned = n;
  }
}

function sameMode(a: ViewMode, b: ViewMode): boolean {
  return (
    a.xAxis === b.xAxis &&
    a.xMetric === b.xMetric &&
    a.smoothing === b.smoothing &&
    (a.smoothingKind ?? 'ema') === (b.smoothingKind ?? 'ema') &&
    a.smoother === b.smoother &&
    a.log === b.log
  );
}

/**
 * Index in `points` of the first entry of the pixel column holding the last point before source
 * index `from` (the line into `from` starts there); `points.length` when `from` is past them all.
 */
function columnOf(points: ReducedPoints, from: number): number {
  const { index, px, length } = points;
  if (!(from < Number.POSITIVE_INFINITY)) return length;
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (index[mid] < from) lo = mid + 1;
    else hi = mid;
  }
  let at = Math.max(0, lo - 1);
  while (at > 0 && Math.floor(px[at - 1]) === Math.floor(px[at])) at--;
  return at;
}
