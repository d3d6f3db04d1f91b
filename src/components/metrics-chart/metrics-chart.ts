/**
 * `<trial-metrics-chart>`: one metric of many trials as live line curves, every point counted.
 * Curves are M4-reduced per pixel column from the full data at the current zoom (see `m4.ts`) and
 * painted on a canvas; changes set dirty flags and one commit per frame applies them, drawing only
 * the appended tails when the scales did not move. Geometry is in `layout.ts`, painting in
 * `paint.ts`, the pointer in `pointer-controller.ts`, the HTML around the canvas in `legend.ts`.
 */
import { html, LitElement, nothing, type PropertyValues, render } from 'lit';
import { property } from 'lit/decorators.js';
import type { StoreChange, TrialStore } from '../../client/index.js';
import { AnnotationRequestEvent } from '../events/annotation-request-event.js';
import { TrialHoverEvent } from '../events/trial-hover-event.js';
import { TrialPinEvent } from '../events/trial-pin-event.js';
import { ZoomChangeEvent } from '../events/zoom-change-event.js';
import { defineElement } from '../internal/define-element.js';
import { afterArrivals, LazyPart } from '../internal/lazy-part.js';
import { ResizeController } from '../internal/resize-controller.js';
import { StoreController } from '../internal/store-controller.js';
import { srOnlyStyles, themeTokens } from '../internal/theme.js';
import type { ChartAnnotation } from './annotations.js';
import type { ChartShown } from './chart-export.js';
import { ChartGrouping } from './chart-grouping.js';
import { chartKit } from './chart-kit.js';
import { ChartPainter, rasterArrived } from './chart-painter.js';
import type { GroupBand, GroupStat } from './group-options.js';
import type { Hit } from './hit-test.js';
import { axisLabels, type Frame, fitCanvases, layoutFrame, plotWidthGuess, sameFrame } from './layout.js';
import { chartLabel, latestValues, legend, legendOrder, stateMessage } from './legend.js';
import { metricsChartStyles } from './metrics-chart.styles.js';
import { type CanvasColors, drawOverlay, readCanvasColors } from './paint.js';
import { PointerController } from './pointer-controller.js';
import { type Domain, sameDomain, type XAxis, type XAxisSpec, xAxisSpec, type YScale } from './scales.js';
import type { SeriesView, ViewMode } from './series-view.js';
import { isSmoothingKind, type SmoothingKind } from './smoothing-kinds.js';
import { selectViews } from './view-selection.js';
import { WindowController, type WindowScope } from './window-controller.js';

/** The hidden table of latest values follows live data at most this often (screen readers). */
const SUMMARY_INTERVAL_MS = 1000;

/** What must be redone at the next commit; set by store changes, properties and pointers. */
interface Dirty {
  /** Which trials and series are shown. */
  views: boolean;
  /** Axis mode, smoothing or log: every view rebuilds its derived columns. */
  mode: boolean;
  /** Repaint everything (colours, size, zoom). */
  full: boolean;
  /** Repaint the emphasis layer only (hover, pins, highlighted trials). */
  emphasis: boolean;
  /** Re-read colours from the computed custom properties. */
  colors: boolean;
  /** Series that gained points: view -> first changed index. */
  appended: Map<SeriesView, number>;
}

/** How long a click waits for a second one before it counts alone (a double click resets the zoom). */
const DOUBLE_CLICK_MS = 250;

/**
 * @tag trial-metrics-chart
 * @summary A live line chart of one metric across the trials of a study, drawing every point.
 *
 * @event trial-hover - {TrialHoverEvent} The trial under the pointer (plot or legend) changed.
 * @event trial-pin - {TrialPinEvent} A legend entry was clicked to pin or release a trial's emphasis.
 * @event zoom-change - {ZoomChangeEvent} The user zoomed with a box drag or reset with a double-click.
 * @event annotation-request - {AnnotationRequestEvent} The user clicked a point of a curve, to mark that step (`.trialId`, `.key`, `.step`).
 *
 * @csspart base - The wrapper of plot and legend.
 * @csspart plot - The area holding the canvases, axes, tooltip and messages.
 * @csspart canvas - The canvas with grid and curves.
 * @csspart emphasis - The canvas above it with the hovered, pinned or highlighted trials (the other is dimmed meanwhile).
 * @csspart overlay - The canvas on top with crosshair, hover dots and the zoom box.
 * @csspart axis - Both tick label layers (also `axis-x`, `axis-y`).
 * @csspart axis-x - The x axis's tick labels.
 * @csspart axis-y - The y axis's tick labels.
 * @csspart tick - One tick label.
 * @csspart axis-title - The metric name above the y axis.
 * @csspart tooltip - The hover tooltip.
 * @csspart legend - The list of trials.
 * @csspart legend-item - One trial's legend button.
 * @csspart legend-search - The box that finds a trial in a legend of more than twenty.
 * @csspart legend-more - The "+N more" / "Show fewer" button of a long legend.
 * @csspart message - The empty and loading messages.
 * @csspart annotation - A step annotation's marker: a dashed line in the trial's colour, with its text.
 *
 * @cssproperty [--trialkit-chart-height=320px] - Height of the chart.
 * @cssproperty [--trialkit-chart-legend-height=5.5em] - Largest height of the legend before it scrolls.
 * @cssproperty [--trialkit-tooltip-bg=var(--trialkit-surface)] - Tooltip background.
 * @cssproperty [--trialkit-bg=#ffffff] - Background (shared theme token).
 * @cssproperty [--trialkit-fg=#1b1f24] - Text colour (shared theme token).
 * @cssproperty [--trialkit-muted=#5b6470] - Tick labels and secondary text (shared theme token).
 * @cssproperty [--trialkit-grid=#e8ebef] - Grid lines, also on the canvas (shared theme token).
 * @cssproperty [--trialkit-border=#d6dae0] - Axis lines and borders (shared theme token).
 * @cssproperty [--trialkit-accent=#2563c9] - Crosshair and zoom box (shared theme token).
 * @cssproperty [--trialkit-font=system-ui] - Font family, also for canvas measurements (shared theme token).
 * @cssproperty [--trialkit-annotation-bg=var(--trialkit-bg)] - Background of an annotation's text.
 */
export class MetricsChart extends LitElement {
  static override styles = [themeTokens, srOnlyStyles, metricsChartStyles];

  /** Registers the element under `tag` unless that tag is taken; returns the class. */
  static define(tag = 'trial-metrics-chart'): typeof MetricsChart {
    // biome-ignore lint/complexity/noThisInStatic: a subclass's define() registers the subclass.
    defineElement(tag, this);
    // biome-ignore lint/complexity/noThisInStatic: returns the class it was called on.
    return this;
  }

  /** The store to read trials and series from. */
  @property({ attribute: false }) store?: TrialStore;
  /** The metric key to plot; defaults to the study's objective metric, else the first key logged. */
  @property() metric?: string;
  /** The study whose trials are shown; unset shows the trials of every study in the store. */
  @property() study?: string;
  /** Ids of the trials to show; unset shows all of the study. */
  @property({ attribute: false }) trials?: readonly string[];
  /** What x measures: `step`, `wall` (clock time) or `relative` (seconds since the trial started). */
  @property({ attribute: 'x-axis' }) xAxis: XAxis = 'step';
  /**
   * Another metric as x (e.g. `tokens`): each point is placed at that metric's value at its step,
   * linear between the steps it was logged at; points it does not reach are left out. Overrides `xAxis`.
   */
  @property({ attribute: 'x-metric' }) xMetric?: string;
  /** `linear` or `log`; log skips values at or below zero. */
  @property({ attribute: 'y-scale' }) yScale: YScale = 'linear';
  /** EMA smoothing weight, 0 (off) to 1; time-weighted and debiased. */
  @property({ type: Number }) smoothing = 0;
  /** How `smoothing` smooths: `ema`, `running` (centred average) or `gaussian`; see `smoothing.ts`. */
  @property({ attribute: 'smoothing-kind' }) smoothingKind: SmoothingKind = 'ema';
  /** Trials carrying this flag (e.g. `spectral_norm`) are drawn dashed. */
  @property({ attribute: 'highlight-flag' }) highlightFlag?: string;
  /** Ids of trials to emphasise (e.g. the rows selected in a table). */
  @property({ attribute: false }) highlighted: readonly string[] = [];
  /** `light` or `dark`; unset follows the OS preference. */
  @property({ reflect: true }) theme?: 'light' | 'dark';
  /** Step annotations: a marker at the step on the curve of each drawn trial they belong to. */
  @property({ attribute: false }) annotations: readonly ChartAnnotation[] = [];
  /**
   * Group the trials by this param (else tag) and draw one line and band per value instead of a
   * curve per trial, as W&B's and MLflow's run grouping do; unset draws every trial.
   */
  @property({ attribute: 'group-by' }) groupBy?: string;
  /** The line through a group: `mean` (default) or `median` of its trials. */
  @property({ attribute: 'group-stat' }) groupStat: GroupStat = 'mean';
  /** The band around it: `minmax` (default), `std` (± one standard deviation) or `none`. */
  @property({ attribute: 'group-band' }) groupBand: GroupBand = 'minmax';

  private views: SeriesView[] = [];
  /** The views in legend order (best by the objective first), fixed until the curves change. */
  private legendViews: SeriesView[] = [];
  /** The legend's search text, and whether it lists every trial past the first rows. */
  private legendQuery = '';
  private legendExpanded = false;
  /** Ids of the trials in scope (shown, or shown once they log the metric). */
  private scope = new Set<string>();
  private metricKey?: string;
  private readonly dirty: Dirty = {
    views: true,
    mode: true,
    full: true,
    emphasis: true,
    colors: true,
    appended: new Map(),
  };
  private frame?: Frame;
  private colors?: CanvasColors;
  private hoverTrial?: string;
  private legendTrial?: string;
  /** The legend entry holding its tab stop (moved by arrow keys). */
  private legendActive?: string;
  private readonly pinned = new Set<string>();
  private zoomX?: Domain;
  private zoomY?: Domain;
  /** The x domain last drawn without a zoom: the whole a keyboard zoom pans and zooms within. */
  private unzoomedX?: Domain;
  private summaryAt = 0;
  /** A click's annotation request, waiting to see whether the click is half of a double click. */
  private clickTimer?: ReturnType<typeof setTimeout>;
  /** The state message the last render showed. */
  private renderedState?: string;
  /** The hover tooltip's code, asked for after the first paint (or at a hover that comes sooner). */
  private readonly tooltip = new LazyPart(
    this,
    () => import('./tooltip.js'),
    (tooltip) => {
      rasterArrived(tooltip.SpanRaster);
      this.annotationsDirty = true;
      // Curves drawn unsmoothed while the smoothing code was on its way are smoothed now.
      if (this.smoothing > 0) this.dirty.mode = true;
      this.renderTooltip();
    },
  );
  /** The update pending only refreshes the legend's and summary's values (see `updated`). */
  private refreshingValues = false;
  /** The annotations changed: their markers are rendered again at the next commit. */
  private annotationsDirty = false;
  private commitQueued = false;
  private repaintQueued = false;
  private readonly painter = new ChartPainter();
  private readonly grouping = new ChartGrouping(() => {
    this.dirty.full = true;
    this.requestUpdate();
  });
  private readonly schemeQuery =
    typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : undefined;

  private readonly storeController = new StoreController(this, {
    onChange: (change) => this.onStoreChange(change),
  });
  private readonly size = new ResizeController(this, {
    target: () => this.renderRoot.querySelector('.plot'),
    onResize: () => {
      this.dirty.full = true;
    },
  });
  private readonly windows = new WindowController(this, {
    onCurves: () => {
      this.dirty.views = true;
      this.requestUpdate();
    },
  });
  /** The windows of the metric used as x, when it is another metric. */
  private readonly xWindows = new WindowController(this, {
    onCurves: () => {
      this.dirty.views = true;
      this.requestUpdate();
    },
  });
  private readonly pointer = new PointerController(this, {
    frame: () => this.frame,
    // Grouped, no single trial is under the pointer: the tooltip reads the groups instead.
    views: () => (this.grouped() ? [] : this.views),
    onChange: (fromPointer) => this.onHitChange(fromPointer),
    onDrag: () => this.redrawOverlay(),
    onZoom: (x, y) => this.setZoom(x, y),
    onClick: (hit) => {
      // The first click of a double click (which resets the zoom) asks for no annotation.
      clearTimeout(this.clickTimer);
      this.clickTimer = setTimeout(() => this.requestAnnotation(hit), DOUBLE_CLICK_MS);
    },
  });

  override connectedCallback(): void {
    super.connectedCallback();
    this.schemeQuery?.addEventListener('change', this.onSchemeChange);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.schemeQuery?.removeEventListener('change', this.onSchemeChange);
  }

  /** Re-reads theme colours and repaints; call after changing `--trialkit-*` properties on an ancestor. */
  refreshTheme(): void {
    this.dirty.colors = true;
    this.dirty.full = true;
    this.requestCommit();
  }

  /**
   * Shows the x window `x` with an automatic y range (undefined: the whole range), raising
   * `zoom-change`; does nothing when that x window is already shown. For hosts that link charts.
   */
  zoomToX(x: Domain | undefined): void {
    if (!sameZoom(x, this.zoomX)) this.setZoom(x, undefined);
  }

  /** Clears any zoom (as a double-click does). */
  resetZoom(): void {
    this.setZoom(undefined, undefined);
  }

  /** The x and y domains currently shown, in axis units; undefined before the first paint. */
  get domains(): { x: Domain; y: Domain } | undefined {
    return this.frame && { x: this.frame.xDomain, y: this.frame.yDomain };
  }

  /**
   * Where a point (x in axis units, a value) is drawn, in CSS pixels from the canvas' top-left
   * corner; undefined before the first paint. For hosts placing annotations, and for tests.
   */
  positionOf(x: number, value: number): { left: number; top: number } | undefined {
    const frame = this.frame;
    if (!frame) return undefined;
    return {
      left: frame.plot.left / frame.dpr + frame.x(x),
      top: frame.plot.top / frame.dpr + frame.y(value),
    };
  }

  // Export code loads on first use: most pages never export.

  /**
   * The visible window as CSV: per trial, every point whose x is on screen, with its exact values
   * (and the smoothed one while smoothing); cells are escaped against spreadsheet formulas.
   */
  async toCSV(): Promise<string> {
    return (await import('./chart-export.js')).shownCsv(this.shown());
  }

  /**
   * What is on screen as a standalone SVG document, with axes and a legend; names are escaped.
   * Rejects with `ChartExportError` while nothing is drawn (no data yet).
   */
  async toSVG(): Promise<string> {
    return (await import('./chart-export.js')).shownSvg(this.shown());
  }

  /** `toSVG()` as a PNG at the screen's pixel density. Rejects with `ChartExportError` likewise. */
  async toPNG(): Promise<Blob> {
    return (await import('./chart-export.js')).shownPng(this.shown());
  }

  private shown(): ChartShown {
    return {
      frame: this.frame,
      colors: this.colors,
      views: this.views,
      metric: this.metricKey,
      xMetric: this.xMetricKey,
      canvas: this.renderRoot.querySelector<HTMLCanvasElement>('canvas.main'),
      kit: chartKit,
      smoothingLost: this.smoothingLost(),
    };
  }

  /** Smoothing asked for, its code lost (the on-demand chunk failed): the raw curves say why. */
  private smoothingLost(): string | undefined {
    return this.smoothing > 0 && this.tooltip.failed ? this.tooltip.status('smoothing') : undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.size > 0) this.refreshingValues = false;
    if (changed.has('store')) this.storeController.store = this.store;
    if (
      changed.has('store') ||
      changed.has('metric') ||
      changed.has('study') ||
      changed.has('trials') ||
      changed.has('highlightFlag') ||
      changed.has('xMetric')
    )
      this.dirty.views = true;
    if (
      changed.has('xAxis') ||
      changed.has('xMetric') ||
      changed.has('yScale') ||
      changed.has('smoothing') ||
      changed.has('smoothingKind')
    ) {
      this.dirty.mode = true;
      this.zoomX = this.zoomY = undefined;
    }
    if (changed.has('highlighted')) this.dirty.emphasis = true;
    if (changed.has('groupBy') || changed.has('groupStat') || changed.has('groupBand'))
      this.dirty.full = true;
    if (changed.has('annotations')) this.annotationsDirty = true;
    if (changed.has('theme')) this.dirty.colors = this.dirty.full = true;
    // Before render: the legend, summary and messages read the views.
    if (this.dirty.views) this.rebuildViews();
  }

  protected override updated(): void {
    // A render may have resized the plot (the legend's rows): measure now rather than paint at the
    // old size and again when the resize observer reports it a frame later. Not after the periodic
    // refresh of values while points stream in: measuring forces a layout of the whole page (a
    // dashboard's table just changed), the longest part of a live frame, for a size that stays.
    const remeasure = !this.refreshingValues || this.dirty.views;
    this.refreshingValues = false;
    this.commit(remeasure);
  }

  private readonly onSchemeChange = () => this.refreshTheme();

  private onStoreChange(change: StoreChange): boolean {
    const shown = new Map(this.views.map((v) => [v.trial.id, v]));
    if (change.reset || change.trials.size > 0 || change.studies.size > 0) this.dirty.views = true;
    if (change.windows) {
      this.windows.invalidate();
      this.dirty.views = true;
    }
    const store = this.store!;
    const xMetric = this.xMetricKey;
    const appended = (view: SeriesView, from: number) => {
      const earlier = this.dirty.appended.get(view);
      this.dirty.appended.set(view, earlier === undefined ? from : Math.min(earlier, from));
    };
    for (const { trialId, key, from: rawFrom } of change.series.values()) {
      const view = shown.get(trialId);
      if (view && key === xMetric) {
        // The metric used as x moved: the points paired with what changed move with it.
        const xFrom = this.xWindows.changedFrom(store, trialId, key, rawFrom);
        if (xFrom !== undefined) appended(view, view.xChangedFrom(xFrom));
      } else if (view && key === this.metricKey) {
        // Windowed curves grow by the live points past their windows, at their own indices.
        const from = this.windows.changedFrom(store, trialId, key, rawFrom);
        if (from !== undefined) appended(view, from);
      } else if (
        this.metricKey === undefined ||
        (!view && (key === this.metricKey || key === xMetric) && this.scope.has(trialId))
      ) {
        // A metric, or a trial's first points of it: there is a curve to add.
        this.dirty.views = true;
      }
    }
    // Lit re-renders (legend, summary) only when the trial list changes; points just repaint.
    if (this.dirty.views) return true;
    this.commit();
    return false;
  }

  /** Schedules a commit at the next animation frame (pointer and theme changes). */
  private requestCommit(): void {
    if (this.commitQueued) return;
    this.commitQueued = true;
    requestAnimationFrame(() => {
      this.commitQueued = false;
      this.commit();
    });
  }

  /**
   * Applies every dirty flag and paints: the one place the canvas is drawn. Runs after Lit updates,
   * on store changes (already once per frame) and on queued pointer changes.
   */
  private commit(remeasure = false): void {
    const canvas = this.renderRoot.querySelector<HTMLCanvasElement>('canvas.main');
    if (!canvas || !this.isConnected) return;
    const dirty = this.dirty;
    if (dirty.views) this.rebuildViews();
    const size = (remeasure ? undefined : this.size.value) ?? this.size.measure();
    if (!size || size.width <= 0 || size.height <= 0) return;
    const dpr = window.devicePixelRatio || 1;
    const pixels = this.frame?.plot.width ?? plotWidthGuess(size.width, dpr);
    const scope = this.windowScope(pixels);
    this.windows.update(scope);
    // Against another metric, both metrics' overviews by step are paired (a zoom reuses them).
    const xMetric = this.xMetricKey;
    this.xWindows.update(
      scope && xMetric ? { ...scope, key: xMetric, xAxis: 'step', zoomX: undefined } : undefined,
    );
    if (dirty.colors || !this.colors) this.colors = readCanvasColors(this);
    const mode = this.viewMode();
    let full = dirty.full || dirty.mode;
    for (const view of this.views) {
      const from = dirty.mode ? 0 : dirty.appended.get(view);
      if (from === undefined) continue;
      // A centred smoothing window may rewrite points before the appended ones.
      if (view.update(mode, from) < view.drawnLength) full = true;
    }
    const ctx = canvas.getContext('2d')!;
    const emphasisCanvas = this.renderRoot.querySelector<HTMLCanvasElement>('canvas.emphasis')!;
    const appended = dirty.appended.size > 0;
    const tails = [...dirty.appended.keys()];
    let emphasisChanged = dirty.emphasis;
    dirty.mode = dirty.full = dirty.emphasis = dirty.colors = false;
    dirty.appended.clear();
    // A metric to draw (or its first windows on their way): the on-demand code is asked for now
    // (once), not with the page, and mostly arrives before the data does, so that the first dense
    // picture is rasterised as the later ones are.
    if (this.metricKey) this.tooltip.get();
    const state = this.stateMessage();
    // The message is rendered by Lit: a first window asked for (or answered) here changes it.
    if (state !== this.renderedState) this.requestUpdate();
    if (state) {
      // Nothing to draw: no grid behind the empty or loading message.
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      this.painter.clearEmphasis(emphasisCanvas);
      this.frame = undefined;
      this.renderInto('.axes', nothing);
      this.renderInto('.annotation-layer', nothing);
      return;
    }
    fitCanvases(this.renderRoot.querySelectorAll('canvas'), size, dpr);
    const frame = layoutFrame({
      size,
      dpr,
      views: this.views,
      xAxis: this.xSpec().kind,
      yScale: this.yScale,
      zoomX: this.zoomX,
      zoomY: this.zoomY,
      previous: this.frame,
      font: this.colors.font,
    });
    const ticksChanged = !this.frame || !sameFrame(frame, this.frame);
    const grouped = this.grouped();
    const scene = {
      views: this.views,
      emphasis: grouped ? new Set<string>() : this.emphasis(),
      colors: this.colors,
    };
    full ||= ticksChanged || this.painter.densityChanged(this.views);
    const shown = this.frame;
    this.frame = frame;
    if (!this.zoomX) this.unzoomedX = frame.xDomain;
    // The plot's width changed (a resize): windows at the new width are asked at the next commit.
    if (frame.plot.width !== pixels) this.requestCommit();
    if (grouped) {
      // The groups are known once the frame is: their legend is rendered from here.
      const log = this.yScale === 'log';
      const renderLegend = (legend: unknown) => this.renderInto('.group-legend', legend);
      this.grouping.paint(ctx, frame, this.views, grouped, this.colors, log, full, renderLegend);
    } else if (full && this.painter.beginRepaint(ctx, frame, shown, scene)) this.scheduleRepaint();
    else if (full) this.painter.paintAll(ctx, frame, scene);
    else if (appended) this.painter.paintTails(ctx, frame, tails);
    // Emphasised curves grow on their own layer: it is repainted whole (a few curves).
    emphasisChanged ||= full || (appended && scene.emphasis.size > 0);
    if (emphasisChanged) {
      this.painter.paintEmphasis(emphasisCanvas, frame, scene);
      canvas.classList.toggle('dimmed', scene.emphasis.size > 0);
    }
    if (ticksChanged) this.renderInto('.axes', axisLabels(frame, this.metricKey));
    // The markers' code comes with the tooltip's: they are drawn once it is here.
    const markers = this.tooltip.get()?.annotationMarkers;
    if (markers && (ticksChanged || full || this.annotationsDirty)) {
      this.annotationsDirty = false;
      this.renderInto('.annotation-layer', markers(frame, this.views, this.xSpec().kind, this.annotations));
    }
    if (this.pointer.pointer && (appended || full)) this.pointer.update(false);
    if (appended && performance.now() - this.summaryAt > SUMMARY_INTERVAL_MS) {
      if (!this.isUpdatePending) this.refreshingValues = true;
      this.requestUpdate();
    }
  }

  /** Strokes the next part of a full paint spread over frames, one part a frame until it is whole. */
  private scheduleRepaint(): void {
    if (this.repaintQueued) return;
    this.repaintQueued = true;
    requestAnimationFrame(() => {
      this.repaintQueued = false;
      const canvas = this.renderRoot.querySelector<HTMLCanvasElement>('canvas.main');
      if (!canvas || !this.isConnected || !this.painter.repainting) return;
      if (!this.painter.stepRepaint(canvas.getContext('2d')!)) this.scheduleRepaint();
    });
  }

  /** Picks the trials and series to draw, keeping the views (and their caches) of those that stay. */
  private rebuildViews(): void {
    this.dirty.views = false;
    this.dirty.full = true;
    const { views, metricKey, scope } = selectViews(
      this.store,
      { metric: this.metric, study: this.study, trials: this.trials, highlightFlag: this.highlightFlag },
      this.views,
      this.viewMode(),
      (store, trialId, key) =>
        (key === this.xMetric ? this.xWindows : this.windows).curveOf(store, trialId, key),
    );
    this.views = views;
    this.legendViews = legendOrder(views, this.store);
    this.metricKey = metricKey;
    this.scope = scope;
  }

  /** What the level-of-detail windows must cover; undefined when the curves span several studies. */
  private windowScope(pixels: number): WindowScope | undefined {
    const store = this.store;
    const key = this.metricKey;
    if (!store || key === undefined) return undefined;
    const studyId = this.study ?? store.getTrial(this.scope.values().next().value ?? '')?.studyId;
    if (!studyId) return undefined;
    for (const id of this.scope) if (store.getTrial(id)?.studyId !== studyId) return undefined;
    // Against another metric, the charted metric's windows are by step too: the overview is paired, not zoomed.
    if (this.xMetricKey)
      return { store, key, studyId, trials: this.scope, xAxis: 'step', pixels, zoomX: undefined };
    return { store, key, studyId, trials: this.scope, xAxis: this.xAxis, pixels, zoomX: this.zoomX };
  }

  /** The metric used as x, if any (an empty `x-metric` is none). */
  private get xMetricKey(): string | undefined {
    return this.xMetric || undefined;
  }

  /** The x axis drawn: `xAxis`, or the metric `xMetric` names. */
  private xSpec(): XAxisSpec {
    return xAxisSpec(this.xAxis, this.xMetricKey);
  }

  private viewMode(): ViewMode {
    return {
      xAxis: this.xSpec().kind,
      xMetric: this.xMetricKey,
      smoothing: this.smoothing,
      smoothingKind: isSmoothingKind(this.smoothingKind) ? this.smoothingKind : 'ema',
      smoother: this.smoothing > 0 ? this.tooltip.get()?.smoothing : undefined,
      log: this.yScale === 'log',
    };
  }

  /** Trials drawn emphasised: hovered (plot or legend), pinned, or `highlighted` by the host. */
  private emphasis(): Set<string> {
    const ids = new Set([...this.highlighted, ...this.pinned]);
    const hovered = this.legendTrial ?? this.hoverTrial;
    if (hovered) ids.add(hovered);
    const shown = new Set(this.views.map((v) => v.trial.id));
    for (const id of ids) if (!shown.has(id)) ids.delete(id);
    return ids;
  }

  private setZoom(x: Domain | undefined, y: Domain | undefined): void {
    if (sameZoom(x, this.zoomX) && sameZoom(y, this.zoomY)) return;
    this.zoomX = x;
    this.zoomY = y;
    this.dirty.full = true;
    this.commit();
    // The plot's label says whether it is zoomed.
    this.requestUpdate();
    this.dispatchEvent(new ZoomChangeEvent(x, y));
  }

  /** A key on the focused plot: a zoom or pan of x (see `keyboard-zoom.ts`). */
  private readonly onPlotKey = (event: KeyboardEvent) => {
    // Its code comes with the tooltip's, asked for at the first paint: before that, nothing to zoom.
    const frame = this.frame;
    if (!frame) return;
    // The whole ends where the data does: a running study's axis leaves room past it, empty.
    const [lo, hi] = this.unzoomedX ?? frame.xDomain;
    let end = lo;
    for (const view of this.views) if (view.xExtent.max > end) end = view.xExtent.max;
    const x = this.tooltip.get()?.keyboardZoom(event, frame.xDomain, [lo, Math.min(hi, end)], !!this.zoomX);
    if (x !== undefined) this.setZoom(x ?? undefined, undefined);
  };

  /** A click on a point: the user wants to mark that step of that trial. */
  private requestAnnotation(hit: Hit | undefined): void {
    const point = hit?.nearest;
    if (!point || !this.metricKey) return;
    const step = point.view.series.steps[point.index];
    if (!Number.isFinite(step)) return;
    // Built first, not inline: the manifest analyzer would take an inline constructor's argument for the event name.
    const event = new AnnotationRequestEvent(point.view.trial.id, this.metricKey, step);
    this.dispatchEvent(event);
  }

  /** The pointer's hit changed: redraw the overlay, update emphasis and the tooltip. */
  private onHitChange(fromPointer: boolean): void {
    this.redrawOverlay();
    const trialId = this.pointer.hit?.nearest?.view.trial.id;
    if (trialId !== this.hoverTrial) {
      this.hoverTrial = trialId;
      if (!this.legendTrial) this.dispatchEvent(new TrialHoverEvent(trialId));
      this.dirty.emphasis = true;
      if (fromPointer) this.requestCommit();
    }
    this.renderTooltip();
  }

  private renderTooltip(): void {
    // Until its code (and styles) arrive, there is no tooltip; the chart still reports hovers.
    const code = this.tooltip.get();
    this.renderInto(
      '.tooltip-layer',
      !code
        ? nothing
        : this.grouped()
          ? this.grouping.tooltip(this.frame, this.pointer.pointer, this.xSpec())
          : code.tooltip(this.frame, this.pointer, this.xSpec(), this.smoothing, chartKit),
    );
  }

  /** How the trials are grouped, once the grouping code has loaded (asking starts loading it). */
  private grouped() {
    return this.grouping.active(this.groupBy, this.groupStat, this.groupBand);
  }

  /** Also waits for the grouping and tooltip code asked for, and the paint that follows. */
  protected override async getUpdateComplete(): Promise<boolean> {
    return afterArrivals(await super.getUpdateComplete(), [this.grouping.ready, this.tooltip.arriving], () =>
      super.getUpdateComplete(),
    );
  }

  private redrawOverlay(): void {
    const canvas = this.renderRoot.querySelector<HTMLCanvasElement>('canvas.overlay');
    if (canvas && this.frame && this.colors) drawOverlay(canvas, this.frame, this.colors, this.pointer);
  }

  /**
   * Renders a part of the shadow DOM that changes with every frame or pointer move (ticks, the
   * tooltip) on its own, so the legend and summary are not re-rendered with it.
   */
  private renderInto(selector: string, content: unknown): void {
    const container = this.renderRoot.querySelector<HTMLElement>(selector);
    if (container) render(content, container);
  }

  private readonly legendHandlers = {
    onEnter: (trialId: string | undefined) => {
      if (trialId === this.legendTrial) return;
      this.legendTrial = trialId;
      this.dispatchEvent(new TrialHoverEvent(trialId ?? this.hoverTrial));
      this.dirty.emphasis = true;
      this.requestCommit();
    },
    onMove: (trialId: string) => {
      this.legendActive = trialId;
    },
    onClick: (trialId: string) => {
      const pinned = !this.pinned.has(trialId);
      if (pinned) this.pinned.add(trialId);
      else this.pinned.delete(trialId);
      this.dirty.emphasis = true;
      this.requestCommit();
      this.requestUpdate();
      this.dispatchEvent(new TrialPinEvent(trialId, pinned));
    },
    onQuery: (query: string) => {
      this.legendQuery = query;
      this.refreshingValues = false;
      this.requestUpdate();
    },
    onExpand: (expanded: boolean) => {
      this.legendExpanded = expanded;
      this.refreshingValues = false;
      this.requestUpdate();
    },
  };

  /** The loading or empty message, if any: "Loading…" while the first windows are on their way. */
  private stateMessage(): string | undefined {
    const { store, metricKey: key } = this;
    const waiting = this.windows.waitingFor(store, key) || this.xWindows.waitingFor(store, this.xMetricKey);
    return stateMessage(store, key, this.views, waiting);
  }

  protected override render() {
    const state = this.stateMessage();
    this.renderedState = state;
    this.summaryAt = performance.now();
    const message = state ?? this.smoothingLost();
    return html`
      <div part="base" class="base">
        <div part="plot" class="plot">
          <div
            class="figure"
            role="img"
            tabindex="0"
            aria-label="${chartLabel(this.metricKey, this.views.length, this.xSpec(), !!this.zoomX, this.grouped()?.key)}. Plus and minus zoom, arrows pan, 0 resets."
            @keydown=${this.onPlotKey}
          >
            <canvas part="canvas" class="main"></canvas>
            <canvas part="emphasis" class="emphasis"></canvas>
            <canvas
              part="overlay"
              class="overlay"
              @pointerdown=${this.pointer.onPointerDown}
              @pointermove=${this.pointer.onPointerMove}
              @pointerup=${this.pointer.onPointerUp}
              @pointerleave=${this.pointer.onPointerLeave}
              @dblclick=${() => {
                clearTimeout(this.clickTimer);
                this.resetZoom();
              }}
            ></canvas>
          </div>
          <div class="annotation-layer"></div>
          <div class="axes"></div>
          <div class="tooltip-layer"></div>
          ${message ? html`<div part="message" class="message" role="status"><span>${message}</span></div>` : nothing}
        </div>
        ${
          this.grouped()
            ? html`<div class="group-legend"></div>`
            : legend(
                this.legendViews,
                {
                  pinned: this.pinned,
                  highlightFlag: this.highlightFlag,
                  active: this.legendActive,
                  query: this.legendQuery,
                  expanded: this.legendExpanded,
                },
                this.legendHandlers,
              )
        }
        ${latestValues(this.views, this.metricKey)}
      </div>
    `;
  }
}

function sameZoom(a: Domain | undefined, b: Domain | undefined): boolean {
  return a === b || sameDomain(a, b);
}

declare global {
  interface HTMLElementTagNameMap {
    'trial-metrics-chart': MetricsChart;
  }
}
