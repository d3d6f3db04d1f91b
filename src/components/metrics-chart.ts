/**
 * `<trial-metrics-chart>`: one metric of many trials as live line curves, every point counted.
 * Curves are M4-reduced per pixel column from the full data at the current zoom (see
 * `chart/m4.ts`) and painted on a canvas; changes set dirty flags and one commit per frame
 * applies them, drawing only the appended tails when the scales did not move.
 */
import { html, LitElement, nothing, type PropertyValues, render, svg } from 'lit';
import { property } from 'lit/decorators.js';
import type { StoreChange, TrialStore } from '../client/store.js';
import type { Trial } from '../protocol/index.js';
import { CurvePainter, clipToPlot, drawGrid, type PlotRect } from './chart/draw.js';
import { type Hit, type HitPoint, hitTest } from './chart/hit-test.js';
import { ReducedPoints } from './chart/m4.js';
import {
  autoDomain,
  type Domain,
  Extent,
  formatNumber,
  formatX,
  makeXScale,
  makeYScale,
  sameDomain,
  type Tick,
  type XAxis,
  type XScale,
  xTicks,
  type YScale,
  type YScaleFn,
  yTicks,
} from './chart/scales.js';
import { SeriesView, type ViewMode } from './chart/series-view.js';
import { TrialHoverEvent, TrialPinEvent, ZoomChangeEvent } from './metrics-chart.events.js';
import { metricsChartStyles } from './metrics-chart.styles.js';
import { ResizeController } from './resize-controller.js';
import { StoreController } from './store-controller.js';
import { srOnlyStyles, themeTokens, trialStyle } from './theme.js';

export type { XAxis, YScale } from './chart/scales.js';
export { TrialHoverEvent, TrialPinEvent, ZoomChangeEvent } from './metrics-chart.events.js';

/** Space around the plot for tick labels, in CSS pixels. */
const MARGIN = { top: 24, right: 14, bottom: 24, minLeft: 28 } as const;
/** Curve widths in CSS pixels: normal, and for emphasised trials. */
const LINE_WIDTH = 1.5;
const EMPHASIS_WIDTH = 2.5;
/** Opacity of curves that are not emphasised while some are. */
const DIMMED_ALPHA = 0.2;
/** Dash (CSS pixels) of trials that carry `highlightFlag`. */
const FLAG_DASH = [6, 4];
/** A drag shorter than this (CSS pixels) is a click, not a zoom. */
const MIN_DRAG = 5;
/** The hidden table of latest values follows live data at most this often (screen readers). */
const SUMMARY_INTERVAL_MS = 1000;
/** Rows shown in the tooltip; the rest are counted. */
const TOOLTIP_ROWS = 10;

const X_AXIS_LABELS: Record<XAxis, string> = { step: 'step', wall: 'time', relative: 'relative time' };

/** What must be redone at the next commit; set by store changes, properties and pointers. */
interface Dirty {
  /** Which trials and series are shown. */
  views: boolean;
  /** Axis mode, smoothing or log: every view rebuilds its derived columns. */
  mode: boolean;
  /** Repaint everything (emphasis, colours, size, zoom). */
  full: boolean;
  /** Re-read colours from the computed custom properties. */
  colors: boolean;
  /** Series that gained points: view -> first changed index. */
  appended: Map<SeriesView, number>;
}

interface Colors {
  bg: string;
  grid: string;
  border: string;
  fg: string;
  muted: string;
  accent: string;
  selection: string;
  font: string;
}

/** Scales of the last full paint; a commit whose scales match may draw only the new tails. */
interface Frame {
  plot: PlotRect;
  dpr: number;
  x: XScale;
  y: YScaleFn;
  xDomain: Domain;
  yDomain: Domain;
}

/**
 * @summary A live line chart of one metric across the trials of a study, drawing every point.
 *
 * @event trial-hover - {TrialHoverEvent} The trial under the pointer (plot or legend) changed.
 * @event trial-pin - {TrialPinEvent} A legend entry was clicked to pin or release a trial's emphasis.
 * @event zoom-change - {ZoomChangeEvent} The user zoomed with a box drag or reset with a double-click.
 *
 * @csspart base - The wrapper of plot and legend.
 * @csspart plot - The area holding the canvases, axes, tooltip and messages.
 * @csspart canvas - The canvas with grid and curves.
 * @csspart overlay - The canvas on top with crosshair, hover dots and the zoom box.
 * @csspart axis - Both tick label layers (also `axis-x`, `axis-y`).
 * @csspart tick - One tick label.
 * @csspart axis-title - The metric name above the y axis.
 * @csspart tooltip - The hover tooltip.
 * @csspart legend - The list of trials.
 * @csspart legend-item - One trial's legend button.
 * @csspart message - The empty and loading messages.
 *
 * @cssproperty --trialkit-chart-height - Height of the chart (default 320px).
 * @cssproperty --trialkit-chart-legend-height - Largest height of the legend before it scrolls.
 * @cssproperty --trialkit-tooltip-bg - Tooltip background (default the surface colour).
 * @cssproperty --trialkit-bg - Background (shared theme token).
 * @cssproperty --trialkit-fg - Text colour (shared theme token).
 * @cssproperty --trialkit-muted - Tick labels and secondary text (shared theme token).
 * @cssproperty --trialkit-grid - Grid lines, also on the canvas (shared theme token).
 * @cssproperty --trialkit-border - Axis lines and borders (shared theme token).
 * @cssproperty --trialkit-accent - Crosshair and zoom box (shared theme token).
 * @cssproperty --trialkit-font - Font family, also for canvas measurements (shared theme token).
 */
export class MetricsChart extends LitElement {
  static override styles = [themeTokens, srOnlyStyles, metricsChartStyles];

  /** Registers the element under `tag` unless that tag is taken; returns the class. */
  static define(tag = 'trial-metrics-chart'): typeof MetricsChart {
    if (!customElements.get(tag)) customElements.define(tag, MetricsChart);
    return MetricsChart;
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
  /** `linear` or `log`; log skips values at or below zero. */
  @property({ attribute: 'y-scale' }) yScale: YScale = 'linear';
  /** EMA smoothing weight, 0 (off) to 1; time-weighted and debiased. */
  @property({ type: Number }) smoothing = 0;
  /** Trials carrying this flag (e.g. `spectral_norm`) are drawn dashed. */
  @property({ attribute: 'highlight-flag' }) highlightFlag?: string;
  /** Ids of trials to emphasise (e.g. the rows selected in a table). */
  @property({ attribute: false }) highlighted: readonly string[] = [];
  /** `light` or `dark`; unset follows the OS preference. */
  @property({ reflect: true }) theme?: 'light' | 'dark';

  private views: SeriesView[] = [];
  /** Ids of the trials in scope (shown, or shown once they log the metric). */
  private readonly scope = new Set<string>();
  private metricKey?: string;
  private readonly dirty: Dirty = {
    views: true,
    mode: true,
    full: true,
    colors: true,
    appended: new Map(),
  };
  private frame?: Frame;
  private colors?: Colors;
  private xTickList: Tick[] = [];
  private yTickList: Tick[] = [];
  private hoverTrial?: string;
  private legendTrial?: string;
  private readonly pinned = new Set<string>();
  private pointer?: { left: number; top: number };
  private hit?: Hit;
  private drag?: { left: number; top: number; toLeft: number; toTop: number };
  private zoomX?: Domain;
  private zoomY?: Domain;
  private summaryAt = 0;
  private commitQueued = false;
  private readonly painter = new CurvePainter();
  private readonly tail = new ReducedPoints();
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

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('store')) this.storeController.store = this.store;
    if (
      changed.has('store') ||
      changed.has('metric') ||
      changed.has('study') ||
      changed.has('trials') ||
      changed.has('highlightFlag')
    )
      this.dirty.views = true;
    if (changed.has('xAxis') || changed.has('yScale') || changed.has('smoothing')) {
      this.dirty.mode = true;
      this.zoomX = this.zoomY = undefined;
    }
    if (changed.has('highlighted')) this.dirty.full = true;
    if (changed.has('theme')) this.dirty.colors = this.dirty.full = true;
    // Before render: the legend, summary and messages read the views.
    if (this.dirty.views) this.rebuildViews();
  }

  protected override updated(): void {
    this.commit();
  }

  private readonly onSchemeChange = () => this.refreshTheme();

  private onStoreChange(change: StoreChange): boolean {
    const shown = new Map(this.views.map((v) => [v.trial.id, v]));
    if (change.reset || change.trials.size > 0 || change.studies.size > 0) this.dirty.views = true;
    for (const { trialId, key, from } of change.series.values()) {
      const view = shown.get(trialId);
      if (view && key === this.metricKey) {
        const earlier = this.dirty.appended.get(view);
        this.dirty.appended.set(view, earlier === undefined ? from : Math.min(earlier, from));
      } else if (
        this.metricKey === undefined ||
        (!view && key === this.metricKey && this.scope.has(trialId))
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
  private commit(): void {
    const canvas = this.renderRoot.querySelector<HTMLCanvasElement>('canvas.main');
    if (!canvas || !this.isConnected) return;
    const dirty = this.dirty;
    if (dirty.views) this.rebuildViews();
    const size = this.size.value ?? this.size.measure();
    if (!size || size.width <= 0 || size.height <= 0) return;
    if (dirty.colors || !this.colors) this.colors = this.readColors();
    const mode = this.viewMode();
    let full = dirty.full || dirty.mode;
    for (const view of this.views) {
      const from = dirty.mode ? 0 : dirty.appended.get(view);
      if (from === undefined) continue;
      if (from < view.drawnLength) full = true;
      view.update(mode, from);
    }
    const ctx = canvas.getContext('2d')!;
    const appended = dirty.appended.size > 0;
    const tails = [...dirty.appended.keys()];
    dirty.mode = dirty.full = dirty.colors = false;
    dirty.appended.clear();
    if (this.stateMessage()) {
      // Nothing to draw: no grid behind the empty or loading message.
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      this.frame = undefined;
      this.renderInto('.axes', nothing);
      return;
    }
    const frame = this.layout(size);
    const ticksChanged = !this.frame || !sameFrame(frame, this.frame);
    // New tails of dimmed curves would land on top of emphasised ones: repaint in order instead.
    full ||= ticksChanged || (appended && this.emphasis().size > 0);
    this.frame = frame;
    if (full) this.paintAll(ctx, frame);
    else this.paintTails(ctx, frame, tails);
    if (ticksChanged) this.renderInto('.axes', this.renderAxes());
    if (this.pointer && (appended || full)) this.updateHover(false);
    if (appended && performance.now() - this.summaryAt > SUMMARY_INTERVAL_MS) this.requestUpdate();
  }

  /** Picks the trials and series to draw, keeping the views (and their caches) of those that stay. */
  private rebuildViews(): void {
    const store = this.store;
    const old = new Map(this.views.map((v) => [v.trial.id, v]));
    this.dirty.views = false;
    this.dirty.full = true;
    this.views = [];
    this.metricKey = undefined;
    this.scope.clear();
    if (!store) return;
    const trials = this.shownTrials(store);
    for (const trial of trials) this.scope.add(trial.id);
    const key = this.metric ?? this.defaultMetric(store, trials);
    this.metricKey = key;
    if (key === undefined) return;
    trials.forEach((trial, index) => {
      const series = store.getSeries(trial.id, key);
      if (!series) return;
      const { color, dash } = trialStyle(index);
      const flagged = !!this.highlightFlag && trial.flags.includes(this.highlightFlag);
      const style = { color, dash: flagged ? FLAG_DASH : dash, flagged };
      let view = old.get(trial.id);
      // A new view, or a new start time (relative x moves), derives everything again.
      const rebuild = !view || view.series !== series || view.trial.startedAt !== trial.startedAt;
      if (!view || view.series !== series) view = new SeriesView(trial, series, style);
      view.trial = trial;
      view.style = style;
      if (rebuild) view.update(this.viewMode(), 0);
      this.views.push(view);
    });
  }

  /** The trials in scope, ordered by study then trial number (colours follow this order). */
  private shownTrials(store: TrialStore): Trial[] {
    const all = this.study ? store.trialsOf(this.study) : [...store.trials.values()];
    const wanted = this.trials && new Set(this.trials);
    return all
      .filter((t) => !wanted || wanted.has(t.id))
      .sort((a, b) => a.studyId.localeCompare(b.studyId) || a.number - b.number || a.id.localeCompare(b.id));
  }

  private defaultMetric(store: TrialStore, trials: Trial[]): string | undefined {
    const studyId = this.study ?? trials[0]?.studyId;
    const objective = studyId ? store.getStudy(studyId)?.objective?.metric : undefined;
    if (objective) return objective;
    return studyId ? store.metricKeys(studyId)[0] : undefined;
  }

  private viewMode(): ViewMode {
    return { xAxis: this.xAxis, smoothing: this.smoothing, log: this.yScale === 'log' };
  }

  /**
   * Sizes the canvases, computes domains (zoom, else nice bounds around the data), reduces every
   * view for the x domain (cached per view) and builds the scales and ticks.
   */
  private layout(size: { width: number; height: number }): Frame {
    const dpr = window.devicePixelRatio || 1;
    const width = Math.round(size.width * dpr);
    const height = Math.round(size.height * dpr);
    for (const c of this.renderRoot.querySelectorAll('canvas')) {
      if (c.width !== width || c.height !== height) {
        c.width = width;
        c.height = height;
      }
    }
    const top = Math.round(MARGIN.top * dpr);
    const plotHeight = Math.max(1, Math.round((size.height - MARGIN.top - MARGIN.bottom) * dpr));
    const xExtent = new Extent();
    for (const view of this.views) xExtent.addExtent(view.xExtent);
    const xCount = Math.max(2, Math.round(size.width / 90));
    const yCount = Math.max(2, Math.round(plotHeight / dpr / 45));
    const xDomain = this.zoomX ?? autoDomain(xExtent, this.xAxis, xCount);
    // The plot width depends on the y labels, which depend on the y domain, which depends on the
    // reduction at the plot width: reduce at the last width, and again only if the labels moved it.
    let left = this.frame?.dpr === dpr ? this.frame.plot.left : this.estimateLeft(yCount, dpr);
    let plot: PlotRect = { left, top, width: 1, height: plotHeight };
    let y: YScaleFn | undefined;
    let yDomain: Domain = [0, 1];
    // The last x label is centred on its tick: leave room for its right half.
    // (Tick labels do not depend on the range, so a unit range finds them.)
    const lastLabel = xTicks(this.xAxis, makeXScale(this.xAxis, xDomain, [0, 1]), xCount).slice(-1);
    const right = Math.round(Math.max(MARGIN.right, this.labelWidth(lastLabel) / 2 + 4) * dpr);
    for (let attempt = 0; attempt < 2; attempt++) {
      plot = { left, top, width: Math.max(1, width - left - right), height: plotHeight };
      const yExtent = new Extent();
      for (const view of this.views) {
        view.reduce(xDomain, plot.width);
        yExtent.addExtent(view.visible);
      }
      yDomain = this.zoomY ?? autoDomain(yExtent, this.yScale, yCount);
      y = makeYScale(this.yScale, yDomain, [plotHeight / dpr, 0]);
      this.yTickList = yTicks(y, yCount);
      const needed = this.leftFor(this.yTickList, dpr);
      if (Math.abs(needed - left) <= dpr) break;
      left = needed;
    }
    const x = makeXScale(this.xAxis, xDomain, [0, plot.width / dpr]);
    this.xTickList = xTicks(this.xAxis, x, xCount);
    return { plot, dpr, x, y: y!, xDomain, yDomain };
  }

  /** The left margin from the raw values' extent: on a first paint it spares a second reduction. */
  private estimateLeft(yCount: number, dpr: number): number {
    const extent = new Extent();
    for (const view of this.views) {
      const { min, max } = view.series;
      if (Number.isFinite(min) && (this.yScale === 'linear' || min > 0)) extent.add(min);
      if (Number.isFinite(max) && (this.yScale === 'linear' || max > 0)) extent.add(max);
    }
    const domain = this.zoomY ?? autoDomain(extent, this.yScale, yCount);
    const labels = yTicks(makeYScale(this.yScale, domain, [100, 0]), yCount);
    return this.leftFor(labels, dpr);
  }

  private leftFor(ticks: readonly Tick[], dpr: number): number {
    return Math.round(Math.max(MARGIN.minLeft, Math.ceil(this.labelWidth(ticks) + 10)) * dpr);
  }

  private labelWidth(ticks: readonly Tick[]): number {
    const ctx = this.measureContext();
    let widest = 0;
    for (const t of ticks) widest = Math.max(widest, ctx.measureText(t.label).width);
    return widest;
  }

  private measurer?: CanvasRenderingContext2D;
  private measureContext(): CanvasRenderingContext2D {
    this.measurer ??= document.createElement('canvas').getContext('2d')!;
    this.measurer.font = this.colors?.font ?? '11px sans-serif';
    return this.measurer;
  }

  /** Clears and paints grid and every curve; emphasised trials last, on top. */
  private paintAll(ctx: CanvasRenderingContext2D, frame: Frame): void {
    const { plot, dpr } = frame;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    drawGrid(ctx, plot, this.xTickList, this.yTickList, dpr, this.colors!);
    const emphasis = this.emphasis();
    const ordered = emphasis.size
      ? [
          ...this.views.filter((v) => !emphasis.has(v.trial.id)),
          ...this.views.filter((v) => emphasis.has(v.trial.id)),
        ]
      : this.views;
    const toY = this.toY(frame);
    clipToPlot(ctx, plot);
    for (const view of ordered) {
      this.painter.stroke(ctx, view.reduced, plot, toY, this.curveStyle(view, emphasis, dpr));
      view.drawnLength = view.length;
    }
    ctx.restore();
  }

  /** Paints only the points appended since the last paint; the scales are unchanged. */
  private paintTails(ctx: CanvasRenderingContext2D, frame: Frame, views: Iterable<SeriesView>): void {
    const { plot, dpr, xDomain } = frame;
    const toY = this.toY(frame);
    const emphasis = this.emphasis();
    clipToPlot(ctx, plot);
    for (const view of views) {
      if (view.reduceTail(xDomain, plot.width, this.tail))
        this.painter.stroke(ctx, this.tail, plot, toY, this.curveStyle(view, emphasis, dpr));
      view.drawnLength = view.length;
    }
    ctx.restore();
  }

  private toY(frame: Frame): (value: number) => number {
    const { y, plot, dpr } = frame;
    return (value) => plot.top + y(value) * dpr;
  }

  private curveStyle(view: SeriesView, emphasis: ReadonlySet<string>, dpr: number) {
    const emphasised = emphasis.has(view.trial.id);
    return {
      color: view.style.color,
      dash: view.style.dash.map((d) => d * dpr),
      width: (emphasised ? EMPHASIS_WIDTH : LINE_WIDTH) * dpr,
      alpha: emphasis.size && !emphasised ? DIMMED_ALPHA : 1,
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

  private readColors(): Colors {
    const style = getComputedStyle(this);
    const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
    // Tick labels are 0.85em of the host's font (see the styles); measure with the same font.
    const font = `${Number.parseFloat(style.fontSize) * 0.85}px ${style.fontFamily}`;
    return {
      bg: read('--_bg', '#ffffff'),
      grid: read('--_grid', '#e8ebef'),
      border: read('--_border', '#d6dae0'),
      fg: read('--_fg', '#1b1f24'),
      muted: read('--_muted', '#5b6470'),
      accent: read('--_accent', '#2f6fde'),
      selection: read('--_selection', 'rgba(47, 111, 222, 0.14)'),
      font,
    };
  }

  // ---- pointer: hover, zoom ----

  private plotPoint(e: PointerEvent | MouseEvent): { left: number; top: number } | undefined {
    const frame = this.frame;
    if (!frame) return undefined;
    const rect = (e.currentTarget as HTMLElement).getBoundingClientRect();
    return {
      left: e.clientX - rect.left - frame.plot.left / frame.dpr,
      top: e.clientY - rect.top - frame.plot.top / frame.dpr,
    };
  }

  private readonly onPointerDown = (e: PointerEvent) => {
    const p = this.plotPoint(e);
    if (!p || e.button !== 0 || !this.insidePlot(p)) return;
    (e.currentTarget as Element).setPointerCapture?.(e.pointerId);
    this.drag = { left: p.left, top: p.top, toLeft: p.left, toTop: p.top };
  };

  private readonly onPointerMove = (e: PointerEvent) => {
    const p = this.plotPoint(e);
    if (!p) return;
    if (this.drag) {
      this.drag.toLeft = p.left;
      this.drag.toTop = p.top;
    }
    this.pointer = this.insidePlot(p) || this.drag ? p : undefined;
    this.updateHover(true);
  };

  private readonly onPointerUp = (e: PointerEvent) => {
    const drag = this.drag;
    this.drag = undefined;
    const frame = this.frame;
    if (!drag || !frame) return;
    const p = this.plotPoint(e) ?? { left: drag.toLeft, top: drag.toTop };
    const w = frame.plot.width / frame.dpr;
    const h = frame.plot.height / frame.dpr;
    const x0 = clamp(Math.min(drag.left, p.left), 0, w);
    const x1 = clamp(Math.max(drag.left, p.left), 0, w);
    const y0 = clamp(Math.min(drag.top, p.top), 0, h);
    const y1 = clamp(Math.max(drag.top, p.top), 0, h);
    this.drawOverlay();
    if (x1 - x0 < MIN_DRAG) return;
    const xDomain: Domain = [+frame.x.invert(x0), +frame.x.invert(x1)];
    const yDomain: Domain | undefined =
      y1 - y0 >= MIN_DRAG ? [frame.y.invert(y1), frame.y.invert(y0)] : undefined;
    this.setZoom(xDomain, yDomain);
  };

  private readonly onPointerLeave = () => {
    if (this.drag) return;
    this.pointer = undefined;
    this.updateHover(true);
  };

  private readonly onDoubleClick = () => this.resetZoom();

  private setZoom(x: Domain | undefined, y: Domain | undefined): void {
    if (sameZoom(x, this.zoomX) && sameZoom(y, this.zoomY)) return;
    this.zoomX = x;
    this.zoomY = y;
    this.dirty.full = true;
    this.commit();
    this.dispatchEvent(new ZoomChangeEvent(x, y));
  }

  private insidePlot(p: { left: number; top: number }): boolean {
    const frame = this.frame;
    if (!frame) return false;
    return (
      p.left >= 0 &&
      p.top >= 0 &&
      p.left <= frame.plot.width / frame.dpr &&
      p.top <= frame.plot.height / frame.dpr
    );
  }

  /**
   * Recomputes what is under the pointer, redraws the overlay, and updates emphasis and the
   * tooltip. `fromPointer` is false when called after new data arrived under a still pointer.
   */
  private updateHover(fromPointer: boolean): void {
    const frame = this.frame;
    const p = this.pointer;
    this.hit =
      frame && p && !this.drag
        ? hitTest(
            this.views,
            p.left,
            p.top,
            (left) => +frame.x.invert(left),
            (x) => frame.x(x),
            (v) => frame.y(v),
          )
        : undefined;
    this.drawOverlay();
    const trialId = this.hit?.nearest?.view.trial.id;
    if (trialId !== this.hoverTrial) {
      this.hoverTrial = trialId;
      if (!this.legendTrial) this.dispatchEvent(new TrialHoverEvent(trialId));
      this.dirty.full = true;
      if (fromPointer) this.requestCommit();
    }
    this.renderInto('.tooltip-layer', this.renderTooltip());
  }

  /**
   * Renders a part of the shadow DOM that changes with every frame or pointer move (ticks, the
   * tooltip) on its own, so the legend and summary are not re-rendered with it.
   */
  private renderInto(selector: string, content: unknown): void {
    const container = this.renderRoot.querySelector<HTMLElement>(selector);
    if (container) render(content, container);
  }

  /** Crosshair, hover dots and the zoom box, on the overlay canvas. */
  private drawOverlay(): void {
    const canvas = this.renderRoot.querySelector<HTMLCanvasElement>('canvas.overlay');
    const frame = this.frame;
    const colors = this.colors;
    if (!canvas || !frame || !colors) return;
    const ctx = canvas.getContext('2d')!;
    const { plot, dpr } = frame;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.translate(plot.left, plot.top);
    if (this.drag) {
      const x = Math.min(this.drag.left, this.drag.toLeft) * dpr;
      const y = Math.min(this.drag.top, this.drag.toTop) * dpr;
      const w = Math.abs(this.drag.toLeft - this.drag.left) * dpr;
      const h = Math.abs(this.drag.toTop - this.drag.top) * dpr;
      ctx.fillStyle = colors.selection;
      ctx.strokeStyle = colors.accent;
      ctx.lineWidth = dpr;
      ctx.fillRect(x, y, w, h);
      ctx.strokeRect(x, y, w, h);
      return;
    }
    const hit = this.hit;
    if (!hit || !this.pointer) return;
    const cx = Math.round(this.pointer.left * dpr) + 0.5;
    ctx.strokeStyle = colors.muted;
    ctx.lineWidth = dpr;
    ctx.setLineDash([3 * dpr, 3 * dpr]);
    ctx.beginPath();
    ctx.moveTo(cx, 0);
    ctx.lineTo(cx, plot.height);
    ctx.stroke();
    ctx.setLineDash([]);
    for (const point of hit.points) {
      if (!Number.isFinite(point.top) || !Number.isFinite(point.left)) continue;
      const nearest = point === hit.nearest;
      ctx.beginPath();
      ctx.arc(point.left * dpr, point.top * dpr, (nearest ? 4 : 2.5) * dpr, 0, 2 * Math.PI);
      ctx.fillStyle = point.view.style.color;
      ctx.fill();
      if (nearest) {
        // A ring in the background colour lifts the dot off its own curve.
        ctx.strokeStyle = colors.bg;
        ctx.lineWidth = 1.5 * dpr;
        ctx.stroke();
      }
    }
  }

  // ---- legend ----

  private onLegendEnter(trialId: string | undefined): void {
    if (trialId === this.legendTrial) return;
    this.legendTrial = trialId;
    this.dispatchEvent(new TrialHoverEvent(trialId ?? this.hoverTrial));
    this.dirty.full = true;
    this.requestCommit();
  }

  private onLegendClick(trialId: string): void {
    const pinned = !this.pinned.has(trialId);
    if (pinned) this.pinned.add(trialId);
    else this.pinned.delete(trialId);
    this.dirty.full = true;
    this.requestCommit();
    this.requestUpdate();
    this.dispatchEvent(new TrialPinEvent(trialId, pinned));
  }

  // ---- rendering ----

  protected override render() {
    const state = this.stateMessage();
    return html`
      <div part="base" class="base">
        <div part="plot" class="plot">
          <div class="figure" role="img" aria-label=${this.describe()}>
            <canvas part="canvas" class="main"></canvas>
            <canvas
              part="overlay"
              class="overlay"
              @pointerdown=${this.onPointerDown}
              @pointermove=${this.onPointerMove}
              @pointerup=${this.onPointerUp}
              @pointerleave=${this.onPointerLeave}
              @dblclick=${this.onDoubleClick}
            ></canvas>
          </div>
          <div class="axes"></div>
          <div class="tooltip-layer"></div>
          ${state ? html`<div part="message" class="message" role="status">${state}</div>` : nothing}
        </div>
        ${this.renderLegend()} ${this.renderSummary()}
      </div>
    `;
  }

  /** The loading or empty message, or undefined when there is something to draw. */
  private stateMessage(): string | undefined {
    if (!this.store) return 'No data source';
    if (!this.store.loaded) return 'Loading…';
    if (this.metricKey === undefined) return 'No metrics logged yet';
    if (!this.views.some((v) => v.length > 0)) return `No data for ${this.metricKey}`;
    return undefined;
  }

  private describe(): string {
    const metric = this.metricKey ?? 'no metric';
    const n = this.views.length;
    const zoom = this.zoomX ? ', zoomed' : '';
    return `Line chart of ${metric} by ${X_AXIS_LABELS[this.xAxis]} for ${n} trial${n === 1 ? '' : 's'}${zoom}`;
  }

  private renderAxes() {
    const frame = this.frame;
    if (!frame) return nothing;
    const left = frame.plot.left / frame.dpr;
    const top = frame.plot.top / frame.dpr;
    const bottom = top + frame.plot.height / frame.dpr;
    return html`
      <div part="axis-title" class="axis-title" aria-hidden="true" style="left:${left}px">${this.metricKey}</div>
      <div part="axis axis-y" class="axis y" aria-hidden="true">
        ${this.yTickList.map(
          (t) =>
            html`<span part="tick" class="tick" style="left:${left}px;top:${top + t.position}px">${t.label}</span>`,
        )}
      </div>
      <div part="axis axis-x" class="axis x" aria-hidden="true">
        ${this.xTickList.map(
          (t) =>
            html`<span part="tick" class="tick" style="left:${left + t.position}px;top:${bottom + 6}px">${t.label}</span>`,
        )}
      </div>
    `;
  }

  private renderTooltip() {
    const hit = this.hit;
    const frame = this.frame;
    const p = this.pointer;
    if (!hit || !frame || !p || hit.points.length === 0) return nothing;
    const near = hit.nearest ?? hit.points[0];
    const rows = [...hit.points]
      .filter((pt) => pt === near || Number.isFinite(pt.value))
      .sort((a, b) => Math.abs(a.top - p.top) - Math.abs(b.top - p.top))
      .slice(0, TOOLTIP_ROWS)
      .sort((a, b) => (b.value || 0) - (a.value || 0));
    const more = hit.points.length - rows.length;
    const plotLeft = frame.plot.left / frame.dpr;
    const plotTop = frame.plot.top / frame.dpr;
    const flip = p.left > frame.plot.width / frame.dpr / 2;
    const style = flip
      ? `right:${frame.plot.width / frame.dpr - p.left + 14 + MARGIN.right}px;top:${plotTop + 4}px`
      : `left:${plotLeft + p.left + 14}px;top:${plotTop + 4}px`;
    return html`
      <div part="tooltip" class="tooltip" role="status" style=${style}>
        <div class="tooltip-title">${X_AXIS_LABELS[this.xAxis]} ${formatX(this.xAxis, near.x)}</div>
        ${rows.map((pt) => this.renderTooltipRow(pt, pt === hit.nearest))}
        ${more > 0 ? html`<div class="tooltip-title">+${more} more</div>` : nothing}
      </div>
    `;
  }

  private renderTooltipRow(point: HitPoint, nearest: boolean) {
    const smoothed = this.smoothing > 0 && Number.isFinite(point.raw) ? ` (${formatNumber(point.raw)})` : '';
    return html`<div class="tooltip-row ${nearest ? 'nearest' : ''}" data-trial=${point.view.trial.id}>
      ${this.swatch(point.view)}<span>#${point.view.trial.number}</span
      ><span class="value">${formatNumber(point.value)}${smoothed}</span>
    </div>`;
  }

  private swatch(view: SeriesView) {
    return html`<svg class="swatch" width="18" height="8" aria-hidden="true">
      ${svg`<line x1="1" y1="4" x2="17" y2="4" stroke=${view.style.color} stroke-width="2"
        stroke-dasharray=${view.style.dash.length ? view.style.dash.map((d) => d / 2).join(' ') : 'none'} />`}
    </svg>`;
  }

  private renderLegend() {
    if (this.views.length === 0) return nothing;
    return html`<ul part="legend" class="legend" aria-label="Trials">
      ${this.views.map((view) => {
        const id = view.trial.id;
        return html`<li>
          <button
            part="legend-item"
            data-trial=${id}
            aria-pressed=${this.pinned.has(id) ? 'true' : 'false'}
            title=${view.style.flagged ? `${id} (${this.highlightFlag})` : id}
            @pointerenter=${() => this.onLegendEnter(id)}
            @pointerleave=${() => this.onLegendEnter(undefined)}
            @focus=${() => this.onLegendEnter(id)}
            @blur=${() => this.onLegendEnter(undefined)}
            @click=${() => this.onLegendClick(id)}
          >
            ${this.swatch(view)}<span>#${view.trial.number}</span><span class="id">${id}</span>
          </button>
        </li>`;
      })}
    </ul>`;
  }

  /** A visually hidden table of each trial's latest value, for screen readers. */
  private renderSummary() {
    this.summaryAt = performance.now();
    if (this.views.length === 0) return nothing;
    return html`<table class="sr-only">
      <caption>
        Latest ${this.metricKey} per trial
      </caption>
      <thead>
        <tr><th scope="col">Trial</th><th scope="col">Step</th><th scope="col">${this.metricKey}</th></tr>
      </thead>
      <tbody>
        ${this.views.map((view) => {
          const s = view.series;
          return html`<tr>
            <th scope="row">#${view.trial.number} ${view.trial.id}</th>
            <td>${s.lastStep ?? ''}</td>
            <td>${s.last === undefined ? '' : formatNumber(s.last)}</td>
          </tr>`;
        })}
      </tbody>
    </table>`;
  }
}

function sameFrame(a: Frame, b: Frame): boolean {
  return (
    a.dpr === b.dpr &&
    a.plot.left === b.plot.left &&
    a.plot.top === b.plot.top &&
    a.plot.width === b.plot.width &&
    a.plot.height === b.plot.height &&
    sameDomain(a.xDomain, b.xDomain) &&
    sameDomain(a.yDomain, b.yDomain)
  );
}

function sameZoom(a: Domain | undefined, b: Domain | undefined): boolean {
  return a === b || sameDomain(a, b);
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

declare global {
  interface HTMLElementTagNameMap {
    'trial-metrics-chart': MetricsChart;
  }
}
