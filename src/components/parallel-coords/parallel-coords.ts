/**
 * `<trial-parallel-coords>`: every finished trial of a study as a line across one axis per
 * hyperparameter and one for the analysed metric, coloured by that metric. Brushing ranges on axes
 * filters: the element raises the table's filters, and reads them back, so the table's filter form,
 * the URL and the brushes agree.
 */
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import type { TrialStore } from '../../client/index.js';
import { AnalysisController } from '../analysis/analysis-controller.js';
import { type AnalysisData, count, leftOutNotes } from '../analysis/analysis-data.js';
import { ticksOf } from '../analysis/axis-scale.js';
import { readColors, sizeCanvas, type ViewColors } from '../analysis/canvas-surface.js';
import { filterMask } from '../analysis/filter-mask.js';
import { leftOutDetails } from '../analysis/notes.js';
import { legendGradient, objectiveBins } from '../analysis/objective-colors.js';
import { selectionAfterClick } from '../analysis/selection.js';
import { TrialFilterChangeEvent } from '../events/trial-filter-change-event.js';
import { TrialHoverEvent } from '../events/trial-hover-event.js';
import { TrialSelectEvent } from '../events/trial-select-event.js';
import { defineElement } from '../internal/define-element.js';
import { formatNumber, trialLabel } from '../internal/format.js';
import { ResizeController } from '../internal/resize-controller.js';
import type { TrialFilters } from '../trial-table/filter.js';
import { type Axis, axesOf, drawnIndices, METRIC_AXIS, moved, ordered } from './axes.js';
import {
  type Brush,
  brushAfterKey,
  brushesFrom,
  brushFilters,
  brushLabel,
  draggedBrush,
  keptBy,
} from './brushes.js';
import {
  type Geometry,
  type LineSet,
  layoutGeometry,
  lineSet,
  nearestLine,
  paintAxes,
  strokeLines,
  strokeTrial,
  yOf,
} from './paint.js';
import { parallelCoordsStyles } from './parallel-coords.styles.js';

/** Past this many finished trials, an even sample of this many lines is drawn (counts use all). */
export const MAX_LINES = 20_000;
/** While a brush is dragged, at most about this many kept lines are stroked per frame (all of them on release). */
export const DRAG_LINES = 2_500;
/**
 * The picture of every line is stroked in even parts of about this many lines, one per frame, so
 * that opening a large study shows its shape at once and never holds the page (~15 ms a part).
 */
export const LINES_PER_FRAME = 1_500;
/** The lines the brushes leave out: the coloured picture, grey, at this opacity. */
const GREY_ALPHA = 0.33;
/** The narrowest gap between two axes; a wider plot scrolls sideways. */
const MIN_SPACING = 64;
/** How far (px) from a line the pointer may be to hover it. */
const HOVER_PX = 5;

/** What a brush frame needs, rebuilt when the data or the layout changes. */
interface Model {
  readonly data: AnalysisData;
  readonly axes: readonly Axis[];
  readonly bins: Int8Array;
  readonly index: ReadonlyMap<string, number>;
  readonly drawn: Uint32Array;
  layoutKey?: string;
  geometry?: Geometry;
  lines?: LineSet;
  colored?: HTMLCanvasElement;
  /** Parts of the coloured picture stroked so far (it is stroked in parts, one a frame). */
  coloredParts?: number;
  grey?: HTMLCanvasElement;
  /** The parts of the coloured picture `grey` was made from. */
  greyParts?: number;
}

/**
 * Parallel coordinates of a study's finished trials: an axis per hyperparameter (log axes for
 * log-scaled params, categorical axes for text and booleans, missing values in a band below) and
 * one for the analysed metric, each line coloured by it. Drag on an axis to brush a range (drag a
 * brush to move it, click to clear it); with the keyboard, focus an axis and press Enter to brush,
 * arrows to move, Shift+arrows to resize, Delete to clear. Axes move with their ‹ › buttons.
 *
 * @tag trial-parallel-coords
 * @summary Parallel coordinates of hyperparameters and the objective, brushable, coloured by the objective.
 *
 * @event trial-filter-change - {TrialFilterChangeEvent} The brushes changed (`.filters`: the given filters with the brushed params and metric range replaced).
 * @event trial-hover - {TrialHoverEvent} The line under the pointer changed (`.trialId`).
 * @event trial-select - {TrialSelectEvent} A line was clicked (ctrl/meta-click adds or removes it).
 *
 * @csspart summary - The line above the plot: counts, colour legend, clear button.
 * @csspart plot - The scrolling area with the axes and lines.
 * @csspart axis - Each axis's brush area (role=slider).
 * @csspart notes - What was left out and why.
 *
 * @cssproperty [--trialkit-parallel-coords-height=320px] - Height of the plot.
 * @cssproperty [--trialkit-accent=#2563c9] - Brushes and selected trials.
 */
export class ParallelCoords extends LitElement {
  static override styles = parallelCoordsStyles;

  /** Registers `<trial-parallel-coords>` unless already registered. Idempotent. */
  static define(tag = 'trial-parallel-coords'): typeof ParallelCoords {
    // biome-ignore lint/complexity/noThisInStatic: a subclass's define() registers the subclass.
    defineElement(tag, this);
    // biome-ignore lint/complexity/noThisInStatic: returns the class it was called on.
    return this;
  }

  /** The store to read trials from. */
  @property({ attribute: false }) store?: TrialStore;
  /** The study id. */
  @property() study?: string;
  /** The metric analysed; unset: the study's objective metric. */
  @property() metric?: string;
  /** Selected trial ids, drawn over the others. */
  @property({ attribute: false }) selected: readonly string[] = [];
  /** The trial hovered elsewhere (table, charts), drawn over the others. */
  @property({ attribute: false }) hovered?: string;
  /** The table's filters: their param and metric ranges show as brushes. */
  @property({ attribute: false }) filters: TrialFilters = {};
  /** `light` or `dark`; unset follows the OS. */
  @property({ reflect: true }) theme?: 'light' | 'dark';

  /** Axis keys in the user's order. */
  @state() private order: readonly string[] = [];
  @state() private kept?: number;
  private brushes = new Map<string, Brush>();
  private mask?: Uint8Array;
  /** A brush was drawn here: clearing the last one is then said too, not silence. */
  private brushedOnce = false;
  /** What the filters' conditions beyond the axes keep; undefined when they keep everything. */
  private othersMask?: Uint8Array;
  private model?: Model;
  private colors?: ViewColors;
  /** The filters this element last raised: when they come back as `filters`, nothing is re-read. */
  private raised?: TrialFilters;
  /** What the brushes come from: the filters last given, or last raised. */
  private brushSource: TrialFilters = {};
  private pendingRaise = 0;
  /** The frame that strokes the next part of the picture of every line. */
  private pendingPart = 0;
  private drag?: { axis: Axis; anchor: number; offset?: number; startY: number; moved: boolean };
  private hoverTrial?: number;

  private readonly analysis = new AnalysisController(this, () => this);
  private readonly size = new ResizeController(this);
  @query('.lines') private linesCanvas?: HTMLCanvasElement;
  @query('.overlay') private overlayCanvas?: HTMLCanvasElement;
  @query('.plot') private plot?: HTMLElement;

  /** How many finished trials the brushes keep (all of them without brushes). */
  get keptCount(): number | undefined {
    return this.kept ?? this.model?.data.trials.length;
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('filters') && this.filters !== this.raised) this.brushSource = this.filters;
    const data = this.analysis.data;
    const fresh = data !== this.model?.data;
    if (fresh) this.model = data && buildModel(data);
    if (this.model && (fresh || changed.has('filters'))) {
      const { axes, data: analysed } = this.model;
      this.brushes = brushesFrom(this.brushSource, axes, analysed.metric);
      // The filters' other conditions (search text, flags, other metrics) keep or drop lines too.
      const others = brushFilters(this.filters, axes, new Map(), analysed.metric);
      this.othersMask = this.store && filterMask(this.store, analysed, others);
      this.updateMask();
    }
    if (changed.has('theme')) {
      this.colors = undefined;
      if (this.model) this.model.layoutKey = undefined;
    }
  }

  protected override render(): TemplateResult {
    const data = this.model?.data;
    if (!this.store || !this.study) return html`<p class="empty" part="summary">No study chosen.</p>`;
    if (!data)
      return html`<p class="empty" part="summary">No metric to analyse: the study has no objective; pick a metric.</p>`;
    if (!data.trials.length)
      return html`<p class="empty" part="summary">No finished trials yet.</p>${leftOutDetails(leftOutNotes(data))}`;
    const axes = this.axes();
    const width = this.plotWidth(axes.length);
    const g = this.geometry(axes, width, this.plotHeight());
    const spacing = axes.length > 1 ? g.xs[1] - g.xs[0] : width;
    const notes = leftOutNotes(data);
    if (data.trials.length > MAX_LINES)
      notes.unshift(
        `Drawing an even sample of ${count(MAX_LINES, 'line')} of ${count(data.trials.length, 'trial')}; brushes and counts use every trial.`,
      );
    const dark = this.theme ? this.theme === 'dark' : readColors(this, undefined).dark;
    return html`
      <p class="summary" part="summary">
        ${this.summaryText(data)}
        <span class="legend">${data.direction === 'minimize' ? 'high' : 'low'} ${data.metric}
          <span class="ramp" style="background:${legendGradient(dark)}"></span> ${data.direction === 'minimize' ? 'low' : 'high'}</span>
        ${this.brushes.size ? html`<button class="clear" @click=${this.clearBrushes}>Clear brushes</button>` : nothing}
      </p>
      <div class="scroller" part="plot">
        <div class="plot" style="width:${width}px">
          <canvas class="lines" aria-hidden="true"></canvas>
          <canvas
            class="overlay"
            aria-hidden="true"
            @pointermove=${this.onPlotMove}
            @pointerleave=${this.onPlotLeave}
            @click=${this.onPlotClick}
          ></canvas>
          <span class="missing" style="top:${g.missingY}px" aria-hidden="true">missing</span>
          ${axes.map((axis, k) => this.renderAxis(axis, k, axes.length, g, spacing))}
        </div>
      </div>
      <p class="sr-only" aria-live="polite">${this.keptSaid()}</p>
      <p class="sr-only" id="axis-keys">
        Arrow keys brush the middle of the axis, then move the brush; with Shift they move its top end.
        Delete clears it.
      </p>
      ${leftOutDetails(notes)}
    `;
  }

  private renderAxis(axis: Axis, k: number, total: number, g: Geometry, spacing: number): TemplateResult {
    const x = g.xs[k];
    const brush = this.brushes.get(axis.key);
    const scale =
      axis.key === METRIC_AXIS
        ? 'metric'
        : axis.domain.scale === 'linear'
          ? ''
          : axis.domain.scale === 'log'
            ? 'log'
            : 'cat';
    const valueText = brush
      ? `${axis.label} brushed from ${brushLabel(axis, brush[0], 'low')} to ${brushLabel(axis, brush[1], 'high')}`
      : `${axis.label}, not brushed`;
    return html`
      <div class="header" data-axis=${axis.key} style="left:${x - spacing / 2}px;width:${spacing}px">
        <span class="name" title=${axis.label}>${axis.label}</span>
        <span class="row">
        <button aria-label="Move ${axis.label} left" ?disabled=${k === 0} @click=${() => this.moveAxis(axis.key, -1)}>‹</button>
        <span class="scale">${scale}</span>
        <button aria-label="Move ${axis.label} right" ?disabled=${k === total - 1} @click=${() => this.moveAxis(axis.key, 1)}>›</button>
        </span>
      </div>
      ${ticksOf(axis.domain, 5).map(
        (t) =>
          html`<span class="tick" aria-hidden="true" style="left:${x + 4}px;top:${yOf(g, t.at)}px;max-width:${spacing - 12}px">${t.label}</span>`,
      )}
      <div
        class="axis"
        part="axis"
        role="slider"
        tabindex="0"
        aria-orientation="vertical"
        aria-describedby="axis-keys"
        aria-label="${axis.label} axis"
        aria-valuemin="0"
        aria-valuemax="100"
        aria-valuenow=${brush ? Math.round(((brush[0] + brush[1]) / 2) * 100) : 50}
        aria-valuetext=${valueText}
        data-key=${axis.key}
        style="left:${x - 10}px;top:${g.top}px;height:${g.span}px"
        @pointerdown=${(e: PointerEvent) => this.onAxisDown(e, axis)}
        @pointermove=${this.onAxisMove}
        @pointerup=${this.onAxisUp}
        @pointercancel=${this.onAxisUp}
        @keydown=${(e: KeyboardEvent) => this.onAxisKey(e, axis)}
      ></div>
    `;
  }

  protected override updated(): void {
    // The plot's height is the CSS's: once rendered, lay out again if it differs from the guess.
    const height = this.plot?.clientHeight;
    if (height && this.model?.geometry && height !== this.model.geometry.height) this.requestUpdate();
    else this.paint();
  }

  // --- Layout ---------------------------------------------------------------------------------

  private axes(): readonly Axis[] {
    return ordered(this.model!.axes, this.order);
  }

  private plotWidth(axes: number): number {
    const available = this.size.value?.width ?? this.size.measure()?.width ?? 600;
    return Math.max(available, axes * MIN_SPACING);
  }

  private plotHeight(): number {
    return this.plot?.clientHeight || 320;
  }

  private geometry(axes: readonly Axis[], width: number, height: number): Geometry {
    const model = this.model!;
    const key = `${axes.map((a) => a.key).join('\u0000')}|${width}|${height}|${globalThis.devicePixelRatio}`;
    if (model.layoutKey !== key || !model.geometry) {
      Object.assign(model, {
        layoutKey: key,
        geometry: layoutGeometry(axes.length, width, height),
        lines: undefined,
        colored: undefined,
        coloredParts: undefined,
        grey: undefined,
      });
    }
    return model.geometry!;
  }

  private colorsNow(): ViewColors {
    this.colors ??= readColors(this, this.theme);
    return this.colors;
  }

  // --- Painting -------------------------------------------------------------------------------

  /** Paints both canvases. Synchronous: a brush frame is done when this returns. */
  paint(): void {
    const model = this.model;
    const lines = this.linesCanvas;
    const overlay = this.overlayCanvas;
    if (!model?.geometry || !lines || !overlay || !this.isConnected) return;
    const g = model.geometry;
    const axes = this.axes();
    const colors = this.colorsNow();
    model.lines ??= lineSet(axes, model.drawn, model.bins, g);
    if (!model.colored) {
      model.colored = offscreen(g, () => {});
      model.coloredParts = 0;
      this.strokeNextPart(model, g, colors);
    }
    this.askForNextPart(model);
    const ctx = sizeCanvas(lines, g.width, g.height);
    if (this.mask) {
      // Greyed from the coloured picture (one image operation) rather than every line stroked
      // again; again when more of that picture has been stroked.
      if (model.greyParts !== model.coloredParts) model.grey = undefined;
      model.grey ??= offscreen(g, (c) => {
        c.filter = 'grayscale(1)';
        c.globalAlpha = GREY_ALPHA;
        c.drawImage(model.colored!, 0, 0, g.width, g.height);
      });
      model.greyParts = model.coloredParts;
      ctx.drawImage(model.grey, 0, 0, g.width, g.height);
      const dragging = this.drag?.moved && (this.kept ?? 0) > DRAG_LINES;
      const every = dragging ? Math.ceil((this.kept ?? 0) / DRAG_LINES) : 1;
      strokeLines(ctx, model.lines, g, { dark: colors.dark, alpha: 0.75, mask: this.mask, every });
    } else {
      ctx.drawImage(model.colored!, 0, 0, g.width, g.height);
    }
    this.paintOverlay(axes, g, colors);
  }

  /**
   * Strokes the next part of the picture of every line: each part an even sample, so the first
   * already shows the study's shape. A frame strokes one part however often it paints.
   */
  private strokeNextPart(model: Model, g: Geometry, colors: ViewColors): void {
    if (model.coloredParts! >= partsOf(model)) return;
    const offset = model.coloredParts!++;
    const ctx = model.colored!.getContext('2d')!;
    strokeLines(ctx, model.lines!, g, { dark: colors.dark, alpha: 0.55, every: partsOf(model), offset });
  }

  /** While the picture of every line is unfinished (and the element on a page), a frame strokes its next part. */
  private askForNextPart(model: Model): void {
    if (this.pendingPart || model.coloredParts! >= partsOf(model)) return;
    this.pendingPart = requestAnimationFrame(() => {
      this.pendingPart = 0;
      // The model may have been rebuilt meanwhile: carry on with whichever picture is current.
      const current = this.model;
      if (!current?.colored || !current.geometry || !this.isConnected) return;
      this.strokeNextPart(current, current.geometry, this.colorsNow());
      this.paint();
    });
  }

  private paintOverlay(axes: readonly Axis[], g: Geometry, colors: ViewColors): void {
    const ctx = sizeCanvas(this.overlayCanvas!, g.width, g.height);
    paintAxes(ctx, axes, g, this.brushes, colors);
    const model = this.model!;
    for (const id of this.selected) {
      const i = model.index.get(id);
      if (i !== undefined) strokeTrial(ctx, axes, i, g, colors.accent, 2.5);
    }
    const hovered = this.hoverTrial ?? (this.hovered ? model.index.get(this.hovered) : undefined);
    if (hovered !== undefined) strokeTrial(ctx, axes, hovered, g, colors.fg, 2);
  }

  // --- Brushing -------------------------------------------------------------------------------

  private updateMask(): void {
    const model = this.model;
    if (!model) return;
    const { mask, kept } = keptBy(model.axes, this.brushes, model.data.trials.length, this.othersMask);
    this.mask = mask;
    this.kept = mask ? kept : undefined;
  }

  /** After brushes changed: recount, repaint now, raise the filters once per frame. */
  private brushed(): void {
    if (this.brushes.size) this.brushedOnce = true;
    this.updateMask();
    this.paint();
    if (this.pendingRaise) return;
    this.pendingRaise = requestAnimationFrame(() => {
      this.pendingRaise = 0;
      this.raiseFilters();
    });
  }

  private raiseFilters(): void {
    const model = this.model;
    if (!model) return;
    this.raised = brushFilters(this.filters, model.axes, this.brushes, model.data.metric);
    this.brushSource = this.raised;
    this.dispatchEvent(new TrialFilterChangeEvent(this.raised));
  }

  private async clearBrushes(): Promise<void> {
    this.brushes = new Map();
    this.brushed();
    this.requestUpdate();
    // The button goes with the brushes: focus moves to the first axis, not to the page.
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('.axis')?.focus();
  }

  private fractionAt(event: PointerEvent): number {
    const g = this.model!.geometry!;
    const rect = this.plot!.getBoundingClientRect();
    return Math.max(0, Math.min(1, 1 - (event.clientY - rect.top - g.top) / g.span));
  }

  private onAxisDown(event: PointerEvent, axis: Axis): void {
    if (!this.model?.geometry) return;
    const at = this.fractionAt(event);
    const brush = this.brushes.get(axis.key);
    const inside = brush && at >= brush[0] && at <= brush[1];
    this.drag = {
      axis,
      anchor: at,
      startY: event.clientY,
      moved: false,
      ...(inside && { offset: at - brush[0] }),
    };
    try {
      (event.currentTarget as Element).setPointerCapture(event.pointerId);
    } catch {
      // A synthetic pointer (tests, benchmarks) cannot be captured; the drag works without.
    }
    event.preventDefault();
  }

  private onAxisMove(event: PointerEvent): void {
    const drag = this.drag;
    if (!drag) return;
    if (Math.abs(event.clientY - drag.startY) < 3 && !drag.moved) return;
    drag.moved = true;
    const { key } = drag.axis;
    this.brushes.set(key, draggedBrush(drag, this.brushes.get(key), this.fractionAt(event)));
    this.brushed();
  }

  private onAxisUp(): void {
    const drag = this.drag;
    this.drag = undefined;
    if (!drag) return;
    if (!drag.moved) this.brushes.delete(drag.axis.key);
    this.brushed();
    this.requestUpdate();
  }

  private onAxisKey(event: KeyboardEvent, axis: Axis): void {
    const { domain } = axis;
    const categories = domain.scale === 'categorical' ? domain.categories.length : undefined;
    const after = brushAfterKey(this.brushes.get(axis.key), event.key, event.shiftKey, categories);
    if (!after) return;
    event.preventDefault();
    const { next } = after;
    if (next) this.brushes.set(axis.key, next);
    else this.brushes.delete(axis.key);
    this.brushed();
    this.requestUpdate();
  }

  private async moveAxis(key: string, by: number): Promise<void> {
    this.order = moved(
      this.axes().map((a) => a.key),
      key,
      by,
    );
    await this.updateComplete;
    // The buttons stay where they were and now belong to another axis: focus follows the moved
    // one, so pressing again moves it on (or its other button, once it reached the end).
    const buttons = this.renderRoot.querySelectorAll<HTMLButtonElement>(
      `.header[data-axis="${CSS.escape(key)}"] button`,
    );
    const [left, right] = [...buttons];
    (by < 0 ? (left?.disabled ? right : left) : right?.disabled ? left : right)?.focus();
  }

  /** What the live region says: how many trials are kept, and all of them once the last brush is cleared. */
  private keptSaid(): string {
    if (this.mask) return `${this.keptCount} trials ${this.keptWhere()}.`;
    return this.brushedOnce ? `All ${this.keptCount} trials shown.` : '';
  }

  private keptWhere(): string {
    return this.brushes.size ? 'in the brushed ranges' : "kept by the table's filters";
  }

  private summaryText(data: AnalysisData): string {
    const n = data.trials.length;
    const kept = this.mask ? ` · ${this.keptCount?.toLocaleString('en-US')} ${this.keptWhere()}` : '';
    return `${count(n, 'finished trial')}${kept} · colour:`;
  }

  // --- Hover and click ------------------------------------------------------------------------

  /** The drawn trial whose line passes nearest the pointer, within a few pixels. */
  private trialAt(event: PointerEvent | MouseEvent): number | undefined {
    const model = this.model;
    const g = model?.geometry;
    const lines = model?.lines;
    if (!model || !g || !lines || g.xs.length < 2) return undefined;
    const rect = this.plot!.getBoundingClientRect();
    return nearestLine(g, lines, this.mask, event.clientX - rect.left, event.clientY - rect.top, HOVER_PX);
  }

  private onPlotMove(event: PointerEvent): void {
    if (this.drag) return;
    const found = this.trialAt(event);
    if (found === this.hoverTrial) return;
    this.hoverTrial = found;
    const trial = found === undefined ? undefined : this.model!.data.trials[found];
    const overlay = this.overlayCanvas!;
    overlay.title = trial
      ? `${trialLabel(trial)}: ${this.model!.data.metric} ${formatNumber(this.model!.data.objective[found!])}`
      : '';
    this.paint();
    this.dispatchEvent(new TrialHoverEvent(trial?.id));
  }

  private onPlotLeave(): void {
    if (this.hoverTrial === undefined) return;
    this.hoverTrial = undefined;
    this.paint();
    this.dispatchEvent(new TrialHoverEvent(undefined));
  }

  private onPlotClick(event: MouseEvent): void {
    const found = this.trialAt(event as PointerEvent);
    if (found === undefined) return;
    const trial = this.model!.data.trials[found];
    const ids = selectionAfterClick(this.selected, trial.id, event.ctrlKey || event.metaKey);
    this.dispatchEvent(new TrialSelectEvent(ids, trial));
  }
}

function buildModel(data: AnalysisData): Model {
  return {
    data,
    axes: axesOf(data),
    bins: objectiveBins(data.objective, data.direction),
    index: new Map(data.trials.map((t, i) => [t.id, i])),
    drawn: drawnIndices(data.trials.length, MAX_LINES),
  };
}

/** How many parts the picture of every line is stroked in. */
function partsOf(model: Model): number {
  return Math.max(1, Math.ceil(model.drawn.length / LINES_PER_FRAME));
}

/** A device-pixel canvas holding a picture drawn in CSS pixels. */
function offscreen(g: Geometry, draw: (ctx: CanvasRenderingContext2D) => void): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  draw(sizeCanvas(canvas, g.width, g.height));
  return canvas;
}

declare global {
  interface HTMLElementTagNameMap {
    'trial-parallel-coords': ParallelCoords;
  }
}
