/**
 * Level of detail for `<trial-metrics-chart>`: when the store can fetch windows, the curves come
 * from the overview of the whole x range at the plot's width and, once zoomed, from the window of
 * the view at that width (both exact M4 of whole storage buckets per column, see
 * `overview-query.ts`), with the live tail after them. A lone zoom is fetched at once, a gesture
 * (wheel, pan) once it pauses; a fetch the user moved past is aborted. What is drawn stays until
 * its replacement arrives, so the chart never goes blank. The chart asks the store for windows;
 * it fetches nothing itself. Stores without a window fetcher keep the raw path: every curve is
 * the store's series.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { MetricSeries, TrialStore } from '../../client/index.js';
import { type OverviewRange, overviewRange } from '../../client/lod/overview-query.js';
import { WindowedSeries } from '../../client/lod/windowed-series.js';
import type { SeriesWindow, SeriesWindowQuery, SeriesWindowX } from '../../protocol/index.js';
import { SERIES_WINDOW_LIMITS } from '../../protocol/series-window-limits.js';
import type { Domain, XAxis } from './scales.js';

/** What the chart shows, read at every commit. */
export interface WindowScope {
  readonly store: TrialStore;
  readonly key: string;
  readonly studyId: string;
  /** The trials in scope; a new set object whenever it changes. */
  readonly trials: ReadonlySet<string>;
  readonly xAxis: XAxis;
  /** The plot's width in device pixels. */
  readonly pixels: number;
  /** The zoomed x domain in axis units, if zoomed. */
  readonly zoomX?: Domain;
}

export interface WindowControllerOptions {
  /** A window arrived: the curves changed (rebuild the views). */
  onCurves: () => void;
  /** A quick series of zooms (a wheel, a pan) is fetched once it pauses this long. */
  debounceMs?: number;
}

/**
 * An overview is kept while the plot's width stays within this share of the width it was asked
 * for: a layout that settles (the y axis' labels take their width once the data is in) or a small
 * resize reuses it, redrawn from the same columns.
 */
const WIDTH_SLACK = 0.1;

/**
 * A chart with nothing drawn yet whose overview would bring more points than this (an M4 column
 * brings up to 4 of a series) asks first for one of fewer columns that brings about this many —
 * about 4 MB for 1,000 curves — then for the one at the plot's width, which replaces it. Both
 * are exact M4 of their columns: every spike shows in either. Only when the first is at most half
 * the full one: else the full one alone is about as quick.
 */
export const FIRST_PICTURE_POINTS = 200_000;

/** A live extent this much wider than the overview's (as a share of it) has the overview fetched again. */
const OUTGROWN = 0.25;

const AXIS_X: Record<XAxis, SeriesWindowX> = { step: 'step', wall: 'time', relative: 'relative' };

/** One fetch in flight or shown: its query and how to cancel it. */
interface Fetch {
  readonly query: SeriesWindowQuery;
  readonly abort: AbortController;
  /** It arrived, failed or was aborted. */
  done: boolean;
  /** It arrived and was shown. */
  shown: boolean;
  /**
   * The fetch shown before it, released once this one is shown: kept across fetches aborted in
   * between (a wheel's), which show nothing.
   */
  replaces?: Fetch;
}

export class WindowController implements ReactiveController {
  private windowed?: WindowedSeries;
  private store?: TrialStore;
  /** What the overview was asked for: the study and trial ids, and the width in device pixels. */
  private overviewFor?: string;
  private overviewPixels = 0;
  /** The x extent the overview was fetched for. */
  private overviewExtent?: Domain;
  private trialsSeen?: { set: ReadonlySet<string>; key: string };
  private zoomFor?: Domain;
  private overview?: Fetch;
  /** The fewer-column overview asked before the first (see {@link FIRST_PICTURE_POINTS}). */
  private firstPicture?: Fetch;
  private zoom?: Fetch;
  private zoomTimer?: ReturnType<typeof setTimeout>;
  private shownKey?: string;
  private releasePoints?: () => void;

  constructor(
    host: ReactiveControllerHost,
    private readonly options: WindowControllerOptions,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.reset();
  }

  /** The curve to draw for a trial: from the windows when they have it, else the store's raw series. */
  curveOf(store: TrialStore, trialId: string, key: string): MetricSeries | undefined {
    const live = store.getSeries(trialId, key);
    if (!this.windowed || this.windowed.key !== key || this.store !== store) return live;
    return this.windowed.curve(trialId, live) ?? live;
  }

  /**
   * Translates a store change of a series (its raw points from `from` on) to the curve drawn:
   * the first index of the curve that changed, or undefined when the curve did not.
   */
  changedFrom(store: TrialStore, trialId: string, key: string, from: number): number | undefined {
    const windowed = this.windowed;
    if (!windowed || windowed.key !== key || !windowed.has(trialId)) return from;
    const live = store.getSeries(trialId, key);
    return live && windowed.grow(trialId, live, from);
  }

  /**
   * Whether the curves of `key` wait for their first window: the store serves windows and none is
   * shown yet, with one on its way or not asked for yet (the chart has not committed this key).
   */
  waitingFor(store: TrialStore | undefined, key: string | undefined): boolean {
    return (
      !!store?.canFetchWindows &&
      key !== undefined &&
      (this.store !== store ||
        this.windowed?.key !== key ||
        (!this.windowed.overview && [this.firstPicture, this.overview].some((fetch) => fetch && !fetch.done)))
    );
  }

  /** Windows fetched so far are stale (the source reconnected): fetch what is shown again. */
  invalidate(): void {
    this.overviewFor = undefined;
    this.zoomFor = undefined;
  }

  /** Starts the fetches the chart's scope needs; undefined scope (no study, no metric) stops. */
  update(scope: WindowScope | undefined): void {
    if (!scope?.store.canFetchWindows) {
      this.reset();
      return;
    }
    const x = AXIS_X[scope.xAxis];
    if (this.store !== scope.store || this.windowed?.key !== scope.key || this.windowed.x !== x) {
      this.reset();
      this.store = scope.store;
      const store = scope.store;
      this.windowed = new WindowedSeries(scope.key, x, (id) => startOf(store, id, scope.key));
    }
    if (this.shownKey !== scope.key) {
      this.releasePoints?.();
      this.shownKey = scope.key;
      this.releasePoints = scope.store.showPoints(scope.key);
    }
    this.updateOverview(scope);
    this.updateZoom(scope);
  }

  private updateOverview(scope: WindowScope): void {
    // Never more columns than the plot has device pixels (but for a small shrink within the
    // slack): more would be bytes no pixel shows.
    const pixels = Math.max(1, Math.floor(scope.pixels));
    const wanted = `${scope.studyId}\u0000${this.trialsKey(scope.trials)}`;
    const same =
      wanted === this.overviewFor &&
      Math.abs(pixels - this.overviewPixels) <= this.overviewPixels * WIDTH_SLACK;
    const range = same ? this.outgrown(scope) : this.extentOf(scope);
    if (same && !range) return;
    this.overviewFor = wanted;
    this.overviewPixels = pixels;
    this.overviewExtent = range;
    if (!range) return;
    const x = this.windowed!.x;
    // By time, the server's own extent: a summary's four points need not hold a series' earliest or
    // latest time (a run resumed on a host whose clock is behind).
    const bounds = (r: OverviewRange) => (x === 'step' ? r : { columns: r.columns });
    const aligned = overviewRange(range[0], range[1], pixels);
    const query: SeriesWindowQuery = {
      studyId: scope.studyId,
      key: scope.key,
      x,
      ...bounds(aligned),
      trialIds: trialList(scope),
    };
    const full = () => {
      this.overview = this.start(query, this.overview, (window) => {
        this.dropFirstPicture();
        this.windowed?.setOverview(window);
      });
    };
    const fewer = this.windowed!.overview ? undefined : firstPicture(scope, range, aligned.columns);
    if (!fewer) {
      full();
      return;
    }
    // The full overview is asked once the first is in: asked together, a server answering one
    // statement at a time (PGlite) would interleave them, and the first would wait for the full one.
    if (this.overview) this.cancel(this.overview);
    this.overview = undefined;
    this.firstPicture = this.start(
      { ...query, ...bounds(fewer) },
      this.firstPicture,
      (window) => this.windowed?.setOverview(window),
      full,
    );
  }

  /** The overview at the plot's width arrived (or the chart moved on): the first picture's is done with. */
  private dropFirstPicture(): void {
    if (this.firstPicture) this.cancel(this.firstPicture);
    this.firstPicture = undefined;
  }

  private updateZoom(scope: WindowScope): void {
    const zoom = scope.zoomX;
    if (
      zoom === this.zoomFor ||
      (zoom && this.zoomFor && zoom[0] === this.zoomFor[0] && zoom[1] === this.zoomFor[1])
    )
      return;
    this.zoomFor = zoom;
    // The user moved past what was being fetched.
    const dropped = this.zoom !== undefined && !this.zoom.done;
    // Its replacement takes over the window it was to replace, still drawn.
    if (dropped) this.zoom!.abort.abort();
    if (!zoom) {
      clearTimeout(this.zoomTimer);
      this.zoomTimer = undefined;
      if (this.zoom) this.cancel(this.zoom);
      this.zoom = undefined;
      this.windowed?.setZoom(undefined);
      this.options.onCurves();
      return;
    }
    const factor = scope.xAxis === 'relative' ? 1000 : 1;
    // Aligned as the overview is: whole buckets per column (one more column than pixels at most,
    // and never more than the server answers).
    const pixels = Math.min(SERIES_WINDOW_LIMITS.maxColumns - 1, scope.pixels);
    const range = overviewRange(zoom[0] * factor, zoom[1] * factor, pixels);
    const query: SeriesWindowQuery = {
      studyId: scope.studyId,
      key: scope.key,
      x: this.windowed!.x,
      ...range,
      trialIds: trialList(scope),
    };
    const fetchZoom = () => {
      this.zoom = this.start(query, this.zoom, (window) => this.windowed?.setZoom(window));
    };
    // With nothing on its way, a zoom is fetched at once (a drag, a key, a double click). One that
    // drops a fetch still on its way is part of a quick series (a wheel, a pan): it waits for the
    // series to pause, so the server is asked for where it ends, not for every step of it.
    if (dropped || this.zoomTimer !== undefined) {
      clearTimeout(this.zoomTimer);
      this.zoomTimer = setTimeout(() => {
        this.zoomTimer = undefined;
        fetchZoom();
      }, this.options.debounceMs ?? 80);
    } else fetchZoom();
  }

  /**
   * Fetches `query` through the store; once it arrives, `show` it and release the window shown
   * before it (`previous`, or the one `previous` was to replace). `then` runs after it was shown,
   * or failed, unless the chart moved past it.
   */
  private start(
    query: SeriesWindowQuery,
    previous: Fetch | undefined,
    show: (w: SeriesWindow) => void,
    then?: () => void,
  ): Fetch {
    const store = this.store!;
    const fetch: Fetch = {
      query,
      abort: new AbortController(),
      done: false,
      shown: false,
      replaces: previous?.shown ? previous : previous?.replaces,
    };
    if (previous && !previous.done) previous.abort.abort();
    store.fetchWindow(query, fetch.abort.signal).then(
      (window) => {
        fetch.done = true;
        if (fetch.abort.signal.aborted || this.store !== store) return store.releaseWindow(query);
        fetch.shown = true;
        if (fetch.replaces) store.releaseWindow(fetch.replaces.query);
        fetch.replaces = undefined;
        show(window);
        this.options.onCurves();
        then?.();
      },
      (error: unknown) => {
        fetch.done = true;
        // Aborted, or the server has no windows (the store fell back to raw points): nothing to say.
        if (fetch.abort.signal.aborted || !store.canFetchWindows) return;
        store.reportError(
          'source_error',
          `series window for ${query.key}: ${(error as Error).message ?? error}`,
        );
        // The chart stops saying it is loading.
        this.options.onCurves();
        then?.();
      },
    );
    return fetch;
  }

  /** Stops `fetch`, or releases its window once shown, and the one it was to replace. */
  private cancel(fetch: Fetch): void {
    if (fetch.shown) this.store?.releaseWindow(fetch.query);
    else fetch.abort.abort();
    if (fetch.replaces) this.store?.releaseWindow(fetch.replaces.query);
    fetch.replaces = undefined;
  }

  /**
   * The trials' extent once live points have stretched it by more than {@link OUTGROWN} of what the
   * overview was fetched for (its live tail, drawn from raw points, is getting long); else undefined.
   */
  private outgrown(scope: WindowScope): Domain | undefined {
    const fetched = this.overviewExtent;
    const now = fetched && this.extentOf(scope);
    if (!fetched || !now) return undefined;
    const slack = (fetched[1] - fetched[0]) * OUTGROWN;
    return now[0] < fetched[0] - slack || now[1] > fetched[1] + slack ? now : undefined;
  }

  /** The x extent of the trials in scope, in window units, from their summaries. */
  private extentOf(scope: WindowScope): Domain | undefined {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const id of scope.trials) {
      const summary = scope.store.summaryOf(id, scope.key);
      if (!summary) continue;
      const offset = scope.xAxis === 'relative' ? startOf(scope.store, id, scope.key) : 0;
      const points = [summary.first, summary.last, summary.min, summary.max];
      for (const point of points) {
        if (!point) continue;
        const x = scope.xAxis === 'step' ? point.step : point.timestamp - offset;
        if (x < min) min = x;
        if (x > max) max = x;
      }
    }
    return min <= max ? [min, max] : undefined;
  }

  /** The trial ids as one string, recomputed only when the chart hands over a new set. */
  private trialsKey(trials: ReadonlySet<string>): string {
    if (this.trialsSeen?.set !== trials) this.trialsSeen = { set: trials, key: [...trials].sort().join(',') };
    return this.trialsSeen.key;
  }

  private reset(): void {
    clearTimeout(this.zoomTimer);
    this.zoomTimer = undefined;
    for (const fetch of [this.overview, this.zoom]) if (fetch) this.cancel(fetch);
    this.dropFirstPicture();
    this.overview = this.zoom = undefined;
    this.overviewFor = this.zoomFor = undefined;
    this.overviewExtent = undefined;
    this.windowed = undefined;
    this.releasePoints?.();
    this.releasePoints = undefined;
    this.shownKey = undefined;
  }
}

/**
 * The range and columns of a first picture for an overview of `columns` columns over `range`, or
 * undefined when that overview is small enough to come first itself (see {@link FIRST_PICTURE_POINTS}).
 */
function firstPicture(scope: WindowScope, range: Domain, columns: number): OverviewRange | undefined {
  const counts = [...scope.trials].map((id) => scope.store.summaryOf(id, scope.key)?.count ?? 0);
  /** Points an overview of `c` columns brings: up to 4 a column of each series, and no more than it has. */
  const points = (c: number) => counts.reduce((sum, n) => sum + Math.min(n, 4 * c), 0);
  const full = points(columns);
  if (full <= FIRST_PICTURE_POINTS) return undefined;
  const fewer = overviewRange(
    range[0],
    range[1],
    Math.max(1, Math.floor(FIRST_PICTURE_POINTS / 4 / counts.length)),
  );
  return points(fewer.columns) * 2 <= full ? fewer : undefined;
}

/** The trials of a window request: omitted when they are every trial of the study. */
function trialList(scope: WindowScope): string[] | undefined {
  const ofStudy = scope.store.trialsOf(scope.studyId).length;
  return scope.trials.size === ofStudy ? undefined : [...scope.trials];
}

/**
 * Where a trial's relative time starts: its start, or without one its first point's time (as the
 * server and the raw curves count it).
 */
function startOf(store: TrialStore, trialId: string, key: string): number {
  return store.getTrial(trialId)?.startedAt ?? store.summaryOf(trialId, key)?.first?.timestamp ?? 0;
}
