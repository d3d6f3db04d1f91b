/**
 * `<trial-history>`: the optimisation history of a study — each finished trial's metric in trial
 * order with the best-so-far line — or, given a second metric, the two against each other with
 * the Pareto front highlighted.
 */
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import type { TrialStore } from '../../client/index.js';
import { analysisStyles } from '../analysis/analysis.styles.js';
import { AnalysisController } from '../analysis/analysis-controller.js';
import { type AnalysisData, count, leftOutNotes } from '../analysis/analysis-data.js';
import { type AxisDomain, positionOf, ticksOf } from '../analysis/axis-scale.js';
import { readColors, sizeCanvas, type ViewColors } from '../analysis/canvas-surface.js';
import { leftOutDetails } from '../analysis/notes.js';
import { bestSoFar, paretoFront } from '../analysis/pareto.js';
import {
  DENSITY_ABOVE,
  nearestPoint,
  type Points,
  paintFrame,
  paintPoints,
  type Rect,
  ringPoint,
} from '../analysis/scatter.js';
import { selectionAfterClick } from '../analysis/selection.js';
import { TrialHoverEvent } from '../events/trial-hover-event.js';
import { TrialSelectEvent } from '../events/trial-select-event.js';
import { defineElement } from '../internal/define-element.js';
import { formatNumber, trialLabel } from '../internal/format.js';
import { ResizeController } from '../internal/resize-controller.js';
import { srOnlyStyles, themeTokens } from '../internal/theme.js';
import type { TrialFilters } from '../trial-table/filter.js';
import { historyStyles } from './trial-history.styles.js';

const PAD = { left: 56, right: 16, top: 10, bottom: 40 } as const;
type Direction = 'minimize' | 'maximize';

/** What one paint draws, rebuilt when the data, the second metric or the size changes. */
interface Plot {
  readonly key: string;
  readonly data: AnalysisData;
  readonly rect: Rect;
  readonly x: AxisDomain;
  readonly y: AxisDomain;
  readonly points: Points;
  /** The x label and the y label. */
  readonly labels: readonly [string, string];
  /** The line to draw over the points: best so far, or the Pareto front, in CSS pixels. */
  readonly line: Points;
  /** Pareto mode: the front's trial indices. */
  readonly front?: readonly number[];
  /** Values of the second metric (Pareto mode). */
  readonly second?: Float64Array;
}

/**
 * The optimisation history of a study: each finished trial's metric by trial number, with the
 * best-so-far line. With `second-metric`, a scatter of the two metrics with the Pareto front (the
 * trials no other beats on both) highlighted. Trials the table's `filters` leave out are grey;
 * hover shows a trial, click selects it.
 *
 * @tag trial-history
 * @summary The objective of each finished trial in order with the best so far; for two objectives, the Pareto front.
 *
 * @event trial-hover - {TrialHoverEvent} The point under the pointer changed (`.trialId`).
 * @event trial-select - {TrialSelectEvent} A point was clicked (ctrl/meta-click adds or removes it).
 *
 * @csspart summary - The line above the plot.
 * @csspart plot - The plot (role=img, with a text description).
 * @csspart tooltip - The hovered trial's details.
 * @csspart notes - What was left out and why.
 *
 * @cssproperty [--trialkit-history-height=260px] - Height of the plot.
 * @cssproperty [--trialkit-accent=#2563c9] - The points.
 * @cssproperty [--trialkit-status-succeeded=#2e7d32] - The best-so-far line and the Pareto front.
 */
export class TrialHistory extends LitElement {
  static override styles = [themeTokens, srOnlyStyles, analysisStyles, historyStyles];

  /** Registers `<trial-history>` unless already registered. Idempotent. */
  static define(tag = 'trial-history'): typeof TrialHistory {
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
  /** A second objective: when set, the view shows the two against each other and their Pareto front. */
  @property({ attribute: 'second-metric' }) secondMetric?: string;
  /** Which way is better for `secondMetric`. */
  @property({ attribute: 'second-direction' }) secondDirection: Direction = 'minimize';
  /** Selected trial ids, ringed. */
  @property({ attribute: false }) selected: readonly string[] = [];
  /** The trial hovered elsewhere, ringed. */
  @property({ attribute: false }) hovered?: string;
  /** The table's filters: trials they leave out are drawn grey. */
  @property({ attribute: false }) filters: TrialFilters = {};
  /** `light` or `dark`; unset follows the OS. */
  @property({ reflect: true }) theme?: 'light' | 'dark';

  @state() private hoverTrial?: { index: number; x: number; y: number };
  private plot?: Plot;
  private readonly analysis = new AnalysisController(this, () => this);
  private readonly size = new ResizeController(this);
  @query('canvas') private canvas?: HTMLCanvasElement;
  @query('.plot') private box?: HTMLElement;

  protected override render(): TemplateResult {
    const data = this.analysis.data;
    if (!this.store || !this.study) return html`<p class="empty" part="summary">No study chosen.</p>`;
    if (!data)
      return html`<p class="empty" part="summary">No metric to analyse: the study has no objective; pick a metric.</p>`;
    const notes = leftOutNotes(data, { params: false });
    const placed = data.trials.length - data.noObjective;
    if (!placed) {
      const why = data.trials.length
        ? `No finished trial has a finite ${data.metric}.`
        : 'No finished trials yet.';
      return html`<p class="empty" part="summary">${why}</p>${leftOutDetails(notes)}`;
    }
    const plot = this.plotFor(data);
    if (plot.second) {
      const without = plot.points.xs.filter(
        (x, i) => !Number.isNaN(x) && Number.isNaN(plot.points.ys[i]),
      ).length;
      if (without) notes.push(`${count(without, 'trial')} without a finite ${this.secondMetric}, left out.`);
    }
    const hover = this.hoverTrial;
    const trial = hover && data.trials[hover.index];
    const best = data.direction === 'minimize' ? 'lowest' : 'highest';
    return html`
      <p class="summary" part="summary">
        ${
          plot.second
            ? html`${data.metric} against ${this.secondMetric} for ${count(placed, 'trial')}; the Pareto front (${count(plot.front!.length, 'trial')}) joined by a line.`
            : html`${data.metric} of ${count(placed, 'finished trial')} by trial number; the line is the ${best} so far.`
        }${placed > DENSITY_ABOVE ? html` <strong>Drawn as a density</strong> (more than ${DENSITY_ABOVE.toLocaleString('en-US')} points).` : nothing}
      </p>
      <div class="plot" part="plot" role="img" aria-label=${this.describe(plot)}>
        <canvas @pointermove=${this.onMove} @pointerleave=${this.onLeave} @click=${this.onClick}></canvas>
        ${
          trial && hover
            ? html`<div class="tooltip" part="tooltip" style="left:${Math.min(hover.x + 10, plot.rect.left + plot.rect.width - 160)}px;top:${hover.y + 10}px">
                <strong>${trialLabel(trial)}</strong><br />${data.metric} ${formatNumber(data.objective[hover.index])}
                ${plot.second ? html`<br />${this.secondMetric} ${formatNumber(plot.second[hover.index])}` : nothing}
              </div>`
            : nothing
        }
      </div>
      ${leftOutDetails(notes)}
    `;
  }

  protected override updated(): void {
    // The plot's height is the CSS's: once known, lay out again if the guess differed.
    const height = this.box?.clientHeight;
    if (height && this.plot && height !== this.plot.rect.height + PAD.top + PAD.bottom) {
      this.plot = undefined;
      this.requestUpdate();
    } else this.paint();
  }

  private describe(plot: Plot): string {
    const data = plot.data;
    if (plot.second)
      return `Scatter of ${data.metric} against ${this.secondMetric}, Pareto front of ${plot.front!.length} trials.`;
    const finalBest = bestSoFar(data.objective, data.direction).at(-1);
    return `History of ${data.metric} over ${data.trials.length} trials; best so far ${formatNumber(finalBest)}.`;
  }

  private plotFor(data: AnalysisData): Plot {
    const width = Math.max(200, this.size.value?.width ?? this.size.measure()?.width ?? 600);
    const height = this.box?.clientHeight || 260;
    const key = `${width}|${height}|${this.secondMetric}|${this.secondDirection}`;
    if (this.plot?.data === data && this.plot.key === key) return this.plot;
    const rect: Rect = {
      left: PAD.left,
      top: PAD.top,
      width: width - PAD.left - PAD.right,
      height: height - PAD.top - PAD.bottom,
    };
    const objective: AxisDomain = {
      scale: 'linear',
      min: data.objectiveMin,
      max: data.objectiveMax,
      categories: [],
    };
    this.plot = this.secondMetric
      ? this.paretoPlot(data, key, rect, objective, this.secondMetric)
      : historyPlot(data, key, rect, objective);
    return this.plot;
  }

  private paretoPlot(data: AnalysisData, key: string, rect: Rect, x: AxisDomain, metric: string): Plot {
    const second = new Float64Array(data.trials.length);
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < second.length; i++) {
      const v = this.store!.lastValue(data.trials[i].id, metric);
      second[i] = v !== undefined && Number.isFinite(v) ? v : Number.NaN;
      if (second[i] < min) min = second[i];
      if (second[i] > max) max = second[i];
    }
    const y: AxisDomain = {
      scale: 'linear',
      min: min <= max ? min : Number.NaN,
      max: min <= max ? max : Number.NaN,
      categories: [],
    };
    const points = pixels(rect, x, y, data.objective, second);
    const front = paretoFront(data.objective, second, [data.direction, this.secondDirection]);
    const line = {
      xs: Float32Array.from(front, (i) => points.xs[i]),
      ys: Float32Array.from(front, (i) => points.ys[i]),
    };
    return { key, data, rect, x, y, points, labels: [data.metric, metric], line, front, second };
  }

  private paint(): void {
    const plot = this.plot;
    const canvas = this.canvas;
    if (!plot || !canvas) return;
    const colors = readColors(this, this.theme);
    const width = plot.rect.left + plot.rect.width + PAD.right;
    const ctx = sizeCanvas(canvas, width, plot.rect.height + PAD.top + PAD.bottom);
    paintFrame(ctx, plot.rect, ticksOf(plot.x, 6), ticksOf(plot.y, 5), colors);
    axisLabels(ctx, plot, colors);
    const mask = this.analysis.keptBy(this.filters);
    if (mask)
      paintPoints(ctx, plot.points, plot.rect, colors.muted, { keep: (i) => !mask[i], alpha: 0.3, size: 3 });
    paintPoints(ctx, plot.points, plot.rect, colors.accent, mask ? { keep: (i) => mask[i] === 1 } : {});
    const good = getComputedStyle(this).getPropertyValue('--_status-succeeded').trim() || '#2e7d32';
    strokeLine(ctx, plot.line, good, !plot.front);
    if (plot.front) for (const i of plot.front) ringPoint(ctx, plot.points.xs[i], plot.points.ys[i], good, 4);
    const index = new Map(plot.data.trials.map((t, i) => [t.id, i]));
    for (const id of this.selected) {
      const i = index.get(id);
      if (i !== undefined) ringPoint(ctx, plot.points.xs[i], plot.points.ys[i], colors.accent, 6);
    }
    const hovered = this.hoverTrial?.index ?? (this.hovered ? index.get(this.hovered) : undefined);
    if (hovered !== undefined) ringPoint(ctx, plot.points.xs[hovered], plot.points.ys[hovered], colors.fg, 6);
  }

  private hit(event: MouseEvent): { index: number; x: number; y: number } | undefined {
    const plot = this.plot;
    if (!plot) return undefined;
    const box = this.canvas!.getBoundingClientRect();
    const x = event.clientX - box.left;
    const y = event.clientY - box.top;
    const mask = this.analysis.keptBy(this.filters);
    const index = nearestPoint(plot.points, x, y, 8, mask && ((i) => mask[i] === 1));
    return index === undefined ? undefined : { index, x, y };
  }

  private onMove(event: PointerEvent): void {
    const hit = this.hit(event);
    const before = this.hoverTrial?.index;
    this.hoverTrial = hit;
    if (hit?.index !== before)
      this.dispatchEvent(new TrialHoverEvent(hit && this.plot!.data.trials[hit.index].id));
  }

  private onLeave(): void {
    if (!this.hoverTrial) return;
    this.hoverTrial = undefined;
    this.dispatchEvent(new TrialHoverEvent(undefined));
  }

  private onClick(event: MouseEvent): void {
    const hit = this.hit(event);
    if (!hit) return;
    const trial = this.plot!.data.trials[hit.index];
    this.dispatchEvent(
      new TrialSelectEvent(
        selectionAfterClick(this.selected, trial.id, event.ctrlKey || event.metaKey),
        trial,
      ),
    );
  }
}

function historyPlot(data: AnalysisData, key: string, rect: Rect, y: AxisDomain): Plot {
  const numbers = Float64Array.from(data.trials, (t) => t.number);
  const x: AxisDomain = {
    scale: 'linear',
    min: numbers[0] ?? Number.NaN,
    max: numbers[numbers.length - 1] ?? Number.NaN,
    categories: [],
    // Trial numbers are whole: no tick at 1.5.
    integers: true,
  };
  const points = pixels(rect, x, y, numbers, data.objective);
  const best = bestSoFar(data.objective, data.direction);
  const line = pixels(rect, x, y, numbers, best);
  return { key, data, rect, x, y, points, labels: ['trial number', data.metric], line };
}

/** Points of two value columns in the rectangle's pixels (NaN where either has no place). */
function pixels(rect: Rect, x: AxisDomain, y: AxisDomain, xv: Float64Array, yv: Float64Array): Points {
  const xs = new Float32Array(xv.length);
  const ys = new Float32Array(xv.length);
  for (let i = 0; i < xv.length; i++) {
    xs[i] = rect.left + positionOf(x, xv[i]) * rect.width;
    ys[i] = rect.top + (1 - positionOf(y, yv[i])) * rect.height;
  }
  return { xs, ys };
}

/** A line through `line`'s points: steps (best so far holds until beaten) or straight segments. */
function strokeLine(ctx: CanvasRenderingContext2D, line: Points, color: string, steps: boolean): void {
  ctx.strokeStyle = color;
  ctx.lineWidth = 2;
  ctx.beginPath();
  let started = false;
  let lastY = 0;
  for (let i = 0; i < line.xs.length; i++) {
    const x = line.xs[i];
    const y = line.ys[i];
    if (Number.isNaN(x) || Number.isNaN(y)) continue;
    if (!started) ctx.moveTo(x, y);
    else {
      if (steps) ctx.lineTo(x, lastY);
      ctx.lineTo(x, y);
    }
    started = true;
    lastY = y;
  }
  ctx.stroke();
}

function axisLabels(ctx: CanvasRenderingContext2D, plot: Plot, colors: ViewColors): void {
  ctx.fillStyle = colors.muted;
  ctx.font = colors.font;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillText(
    plot.labels[0],
    plot.rect.left + plot.rect.width / 2,
    plot.rect.top + plot.rect.height + PAD.bottom - 2,
  );
  ctx.save();
  ctx.translate(12, plot.rect.top + plot.rect.height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = 'middle';
  ctx.fillText(plot.labels[1], 0, 0);
  ctx.restore();
}

declare global {
  interface HTMLElementTagNameMap {
    'trial-history': TrialHistory;
  }
}
