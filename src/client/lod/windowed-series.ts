/**
 * The curves a chart draws from fetched windows: per trial, the overview's M4 points, the exact
 * zoom window's points where one covers the view, and the raw points received live after the last
 * fetched point (the live tail), so a curve keeps growing between fetches. Each curve is a
 * `MetricSeries` the chart reduces again per pixel column: M4 points of M4 points at the same or a
 * coarser resolution are the exact picture, so a single-point spike survives every zoom.
 */
import type { SeriesWindow, SeriesWindowPart, SeriesWindowX } from '../../protocol/index.js';
import { MetricSeries } from '../series.js';

export class WindowedSeries {
  private _overview?: SeriesWindow;
  private _zoom?: SeriesWindow;
  private readonly overviewParts = new Map<string, SeriesWindowPart>();
  private readonly zoomParts = new Map<string, SeriesWindowPart>();
  private readonly curves = new Map<string, MetricSeries>();

  /** `startOf` gives a trial's start (epoch ms), for `relative` windows. */
  constructor(
    readonly key: string,
    readonly x: SeriesWindowX,
    private readonly startOf: (trialId: string) => number,
  ) {}

  get overview(): SeriesWindow | undefined {
    return this._overview;
  }
  get zoom(): SeriesWindow | undefined {
    return this._zoom;
  }

  /** Replaces the overview; curves are rebuilt when next read. */
  setOverview(window: SeriesWindow): void {
    this._overview = window;
    fill(this.overviewParts, window);
    this.curves.clear();
  }

  /** Replaces (or, undefined, drops) the exact window of the zoomed range. */
  setZoom(window: SeriesWindow | undefined): void {
    this._zoom = window;
    fill(this.zoomParts, window);
    this.curves.clear();
  }

  /** Whether any window has a part for the trial. */
  has(trialId: string): boolean {
    return this.overviewParts.has(trialId) || this.zoomParts.has(trialId);
  }

  /**
   * The trial's curve: the windows' points and the live points of `live` after them; undefined
   * when no window has the trial. The same object until a window changes.
   */
  curve(trialId: string, live: MetricSeries | undefined): MetricSeries | undefined {
    let curve = this.curves.get(trialId);
    if (!curve) {
      if (!this.has(trialId)) return undefined;
      curve = this.compose(trialId);
      this.curves.set(trialId, curve);
    }
    if (live) this.extend(curve, live);
    return curve;
  }

  /**
   * Appends the live points of `live` beyond the trial's curve; returns the first index of the
   * curve that changed, or undefined when nothing did (or the curve is not built yet).
   */
  grow(trialId: string, live: MetricSeries): number | undefined {
    const curve = this.curves.get(trialId);
    if (!curve) return undefined;
    const before = curve.length;
    const from = this.extend(curve, live);
    return curve.length > before ? from : undefined;
  }

  private compose(trialId: string): MetricSeries {
    const overview = this.overviewParts.get(trialId);
    const zoom = this.zoomParts.get(trialId);
    const range = this._zoom;
    const start = this.startOf(trialId);
    // A part's points are in x order: the overview's outside the zoom are a head and a tail of it.
    const pieces: [SeriesWindowPart, number, number][] = [];
    if (overview && zoom && range) {
      const n = overview.steps.length;
      pieces.push([overview, 0, firstAfter(overview, range.from, false, this.x, start)]);
      pieces.push([zoom, 0, zoom.steps.length]);
      pieces.push([overview, firstAfter(overview, range.to, true, this.x, start), n]);
    } else {
      const part = (zoom ?? overview) as SeriesWindowPart;
      pieces.push([part, 0, part.steps.length]);
    }
    const curve = new MetricSeries(
      trialId,
      this.key,
      pieces.reduce((sum, [, from, to]) => sum + Math.max(0, to - from), LIVE_HEADROOM),
    );
    for (const [part, from, to] of pieces) {
      if (to <= from) continue;
      // A whole part (the zoom's, or the overview alone) is appended as it is: no copy to make.
      const whole = from === 0 && to === part.steps.length;
      const cut = (column: number[]) => (whole ? column : column.slice(from, to));
      curve.append(cut(part.steps), cut(part.values), cut(part.timestamps));
    }
    return curve;
  }

  /** Appends the points of `live` whose x is past the curve's last; returns the curve's first changed index. */
  private extend(curve: MetricSeries, live: MetricSeries): number {
    const n = live.length;
    if (n === 0) return curve.length;
    const byStep = this.x === 'step';
    const xs = byStep ? live.steps : live.timestamps;
    const lastX = curve.length
      ? byStep
        ? curve.steps[curve.length - 1]
        : curve.timestamps[curve.length - 1]
      : Number.NEGATIVE_INFINITY;
    let i = n;
    while (i > 0 && xs[i - 1] > lastX) i--;
    if (i === n) return curve.length;
    return curve.append(live.steps.subarray(i), live.values.subarray(i), live.timestamps.subarray(i));
  }
}

/**
 * Room for live points in a curve composed from windows. Sized exactly, every curve reallocated at
 * its first live point, all of them in one frame after each new window (a long task as a study
 * of hundreds of trials streams); 256 points cost 6 KB a curve.
 */
const LIVE_HEADROOM = 256;

function fill(parts: Map<string, SeriesWindowPart>, window: SeriesWindow | undefined): void {
  parts.clear();
  for (const part of window?.series ?? []) parts.set(part.trialId, part);
}

/** The first index of `part` whose window x is at or above `x` (`above`: strictly above it). */
function firstAfter(
  part: SeriesWindowPart,
  x: number,
  above: boolean,
  axis: SeriesWindowX,
  start: number,
): number {
  const offset = axis === 'relative' ? start : 0;
  const xs = axis === 'step' ? part.steps : part.timestamps;
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const at = xs[mid] - offset;
    if (above ? at <= x : at < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
