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
   * Adds the live points of `live` beyond the trial's curve, and those from its index `changed` on
   * (the store's change) within the curve that it lacks: logged late, or again at a step it has
   * (asynchronous logging, several writers). Returns the first index of the curve that changed,
   * or undefined when nothing did (or the curve is not built yet).
   */
  grow(trialId: string, live: MetricSeries, changed = live.length): number | undefined {
    const curve = this.curves.get(trialId);
    if (!curve) return undefined;
    const before = curve.length;
    const from = this.extend(curve, live, changed);
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

  /**
   * Appends the points of `live` whose x is past the curve's last, and those from index `changed`
   * on that the curve does not hold (the windows or an earlier call had the others); returns the
   * curve's first changed index.
   */
  private extend(curve: MetricSeries, live: MetricSeries, changed = live.length): number {
    const { steps, values, timestamps, length: n } = live;
    const byStep = this.x === 'step';
    const xs = byStep ? steps : timestamps;
    const lastX = curve.length
      ? (byStep ? curve.steps : curve.timestamps)[curve.length - 1]
      : Number.NEGATIVE_INFINITY;
    let i = n;
    while (i > 0 && xs[i - 1] > lastX) i--;
    // Each is looked for in the curve: on a time axis a point past its end may be one merged before.
    const picked: number[] = [];
    for (let j = Math.min(changed, i); j < n; j++)
      if (!holds(curve, steps[j], values[j], timestamps[j])) picked.push(j);
    if (picked.length === 0) return curve.length;
    const pick = (column: Float64Array) => picked.map((k) => column[k]);
    return curve.append(pick(steps), pick(values), pick(timestamps));
  }
}

/** Whether the curve has this point (a late one is mostly near its end: looked for from there). */
function holds(curve: MetricSeries, step: number, value: number, timestamp: number): boolean {
  const { steps, values, timestamps } = curve;
  for (let i = curve.length - 1; i >= 0 && steps[i] >= step; i--)
    if (steps[i] === step && Object.is(values[i], value) && timestamps[i] === timestamp) return true;
  return false;
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
