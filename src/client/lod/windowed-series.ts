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
    const curve = new MetricSeries(trialId, this.key);
    const overview = this.overviewParts.get(trialId);
    const zoom = this.zoomParts.get(trialId);
    const range = this._zoom;
    const start = this.startOf(trialId);
    if (overview && zoom && range) {
      appendPart(curve, overview, (x) => x < range.from, this.x, start);
      appendPart(curve, zoom, () => true, this.x, start);
      appendPart(curve, overview, (x) => x > range.to, this.x, start);
    } else {
      const part = zoom ?? overview;
      if (part) appendPart(curve, part, () => true, this.x, start);
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

function fill(parts: Map<string, SeriesWindowPart>, window: SeriesWindow | undefined): void {
  parts.clear();
  for (const part of window?.series ?? []) parts.set(part.trialId, part);
}

/** Appends the points of `part` whose window x passes `keep`. */
function appendPart(
  curve: MetricSeries,
  part: SeriesWindowPart,
  keep: (x: number) => boolean,
  axis: SeriesWindowX,
  start: number,
): void {
  const steps: number[] = [];
  const values: number[] = [];
  const timestamps: number[] = [];
  for (let i = 0; i < part.steps.length; i++) {
    const x = axis === 'step' ? part.steps[i] : part.timestamps[i] - (axis === 'relative' ? start : 0);
    if (!keep(x)) continue;
    steps.push(part.steps[i]);
    values.push(part.values[i]);
    timestamps.push(part.timestamps[i]);
  }
  curve.append(steps, values, timestamps);
}
