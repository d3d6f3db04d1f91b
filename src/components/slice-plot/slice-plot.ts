/**
 * `<trial-slice-plot>`: the analysed metric against each hyperparameter, one small panel per
 * param, every finished trial a point. Where a param's good region is shows as the low (or high)
 * edge of its panel's cloud.
 */
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import type { TrialStore } from '../../client/index.js';
import { analysisStyles } from '../analysis/analysis.styles.js';
import { AnalysisController } from '../analysis/analysis-controller.js';
import { type AnalysisData, count, leftOutNotes, type ParamColumn } from '../analysis/analysis-data.js';
import { type AxisDomain, labelOf, positionOf, ticksOf } from '../analysis/axis-scale.js';
import { readColors, sizeCanvas } from '../analysis/canvas-surface.js';
import { leftOutDetails } from '../analysis/notes.js';
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
import { slicePlotStyles } from './slice-plot.styles.js';

const PANEL_MIN_WIDTH = 220;
const PANEL_HEIGHT = 170;
const PAD = { left: 46, right: 10, top: 22, bottom: 22 } as const;

interface Panel {
  readonly column: ParamColumn;
  readonly rect: Rect;
  readonly points: Points;
}

interface Layout {
  readonly key: string;
  readonly data: AnalysisData;
  readonly width: number;
  readonly height: number;
  readonly panels: readonly Panel[];
  readonly y: AxisDomain;
}

/**
 * Slice plots of a study's finished trials: the analysed metric (y) against each hyperparameter (x),
 * one panel per param (log x for log-scaled params, categories spread a little for text and booleans).
 * Trials the table's `filters` leave out are drawn grey; hover shows a trial, click selects it.
 *
 * @tag trial-slice-plot
 * @summary The objective against each hyperparameter, a small multiple per param.
 *
 * @event trial-hover - {TrialHoverEvent} The point under the pointer changed (`.trialId`).
 * @event trial-select - {TrialSelectEvent} A point was clicked (ctrl/meta-click adds or removes it).
 *
 * @csspart summary - The line above the panels.
 * @csspart plot - The panels' area (role=img, with a text description).
 * @csspart panel-title - Each panel's param name.
 * @csspart tooltip - The hovered trial's details.
 * @csspart notes - What was left out and why.
 *
 * @cssproperty [--trialkit-accent=#2563c9] - The points and the selected trials' rings.
 */
export class SlicePlot extends LitElement {
  static override styles = [themeTokens, srOnlyStyles, analysisStyles, slicePlotStyles];

  /** Registers `<trial-slice-plot>` unless already registered. Idempotent. */
  static define(tag = 'trial-slice-plot'): typeof SlicePlot {
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
  /** Selected trial ids, ringed. */
  @property({ attribute: false }) selected: readonly string[] = [];
  /** The trial hovered elsewhere, ringed. */
  @property({ attribute: false }) hovered?: string;
  /** The table's filters: trials they leave out are drawn grey. */
  @property({ attribute: false }) filters: TrialFilters = {};
  /** `light` or `dark`; unset follows the OS. */
  @property({ reflect: true }) theme?: 'light' | 'dark';

  @state() private hoverTrial?: { index: number; x: number; y: number; column: ParamColumn };
  private layout?: Layout;
  private readonly analysis = new AnalysisController(this, () => this);
  private readonly size = new ResizeController(this);
  @query('canvas') private canvas?: HTMLCanvasElement;

  protected override render(): TemplateResult {
    const data = this.analysis.data;
    if (!this.store || !this.study) return html`<p class="empty" part="summary">No study chosen.</p>`;
    if (!data)
      return html`<p class="empty" part="summary">No metric to analyse: the study has no objective; pick a metric.</p>`;
    const notes = leftOutNotes(data);
    const placed = data.trials.length - data.noObjective;
    if (!placed || !data.params.length) {
      const why = !data.trials.length
        ? 'No finished trials yet.'
        : !placed
          ? `No finished trial has a finite ${data.metric}.`
          : 'The trials have no hyperparameters.';
      return html`<p class="empty" part="summary">${why}</p>${leftOutDetails(notes)}`;
    }
    const layout = this.layoutFor(data);
    const dense = placed > DENSITY_ABOVE;
    const hover = this.hoverTrial;
    const trial = hover && data.trials[hover.index];
    return html`
      <p class="summary" part="summary">
        ${data.metric} (${data.direction === 'minimize' ? 'lower is better' : 'higher is better'}) against
        ${count(data.params.length, 'hyperparameter')}, ${count(placed, 'trial')}${dense ? html` · <strong>drawn as a density</strong> (more than ${DENSITY_ABOVE.toLocaleString('en-US')} points)` : nothing}
      </p>
      <div
        class="plot"
        part="plot"
        role="img"
        aria-label="Slice plots of ${data.metric} against ${data.params.map((p) => p.name).join(', ')}"
        style="height:${layout.height}px"
      >
        <canvas
          @pointermove=${this.onMove}
          @pointerleave=${this.onLeave}
          @click=${this.onClick}
        ></canvas>
        ${layout.panels.map(
          (p) =>
            html`<span class="panel-title" part="panel-title" style="left:${p.rect.left}px;top:${p.rect.top - PAD.top + 2}px;max-width:${p.rect.width}px"
              >${p.column.name}${p.column.scale === 'linear' ? '' : html` <span class="scale">${p.column.scale === 'log' ? 'log' : 'cat'}</span>`}</span
            >`,
        )}
        ${
          trial && hover
            ? html`<div class="tooltip" part="tooltip" style="left:${Math.min(hover.x + 10, layout.width - 180)}px;top:${hover.y + 10}px">
                <strong>${trialLabel(trial)}</strong><br />${hover.column.name} ${labelOf(hover.column, hover.column.values[hover.index])}<br />${data.metric}
                ${formatNumber(data.objective[hover.index])}
              </div>`
            : nothing
        }
      </div>
      ${leftOutDetails(notes)}
    `;
  }

  protected override updated(): void {
    this.paint();
  }

  private layoutFor(data: AnalysisData): Layout {
    const width = Math.max(200, this.size.value?.width ?? this.size.measure()?.width ?? 600);
    const key = `${width}`;
    if (this.layout?.data === data && this.layout.key === key) return this.layout;
    const columns = Math.max(1, Math.floor(width / PANEL_MIN_WIDTH));
    const panelWidth = width / columns;
    const y: AxisDomain = { scale: 'linear', min: data.objectiveMin, max: data.objectiveMax, categories: [] };
    const yAt = new Float32Array(data.trials.length);
    for (let i = 0; i < yAt.length; i++) yAt[i] = positionOf(y, data.objective[i]);
    const panels = data.params.map((column, k) => {
      const rect: Rect = {
        left: (k % columns) * panelWidth + PAD.left,
        top: Math.floor(k / columns) * PANEL_HEIGHT + PAD.top,
        width: panelWidth - PAD.left - PAD.right,
        height: PANEL_HEIGHT - PAD.top - PAD.bottom,
      };
      return { column, rect, points: panelPoints(column, yAt, rect) };
    });
    this.layout = {
      key,
      data,
      width,
      height: Math.ceil(data.params.length / columns) * PANEL_HEIGHT,
      panels,
      y,
    };
    return this.layout;
  }

  private paint(): void {
    const layout = this.layout;
    const canvas = this.canvas;
    if (!layout || !canvas) return;
    const colors = readColors(this, this.theme);
    const ctx = sizeCanvas(canvas, layout.width, layout.height);
    const mask = this.analysis.keptBy(this.filters);
    const index = new Map(layout.data.trials.map((t, i) => [t.id, i]));
    const rings = this.selected.map((id) => index.get(id)).filter((i) => i !== undefined);
    const hovered = this.hoverTrial?.index ?? (this.hovered ? index.get(this.hovered) : undefined);
    const yTicks = ticksOf(layout.y, 4);
    for (const panel of layout.panels) {
      paintFrame(ctx, panel.rect, ticksOf(panel.column, 4), yTicks, colors);
      if (mask)
        paintPoints(ctx, panel.points, panel.rect, colors.muted, {
          keep: (i) => !mask[i],
          alpha: 0.3,
          size: 3,
        });
      paintPoints(ctx, panel.points, panel.rect, colors.accent, mask ? { keep: (i) => mask[i] === 1 } : {});
      for (const i of rings) ringPoint(ctx, panel.points.xs[i], panel.points.ys[i], colors.accent);
      if (hovered !== undefined)
        ringPoint(ctx, panel.points.xs[hovered], panel.points.ys[hovered], colors.fg);
    }
  }

  private hit(event: MouseEvent): SlicePlot['hoverTrial'] {
    const layout = this.layout;
    if (!layout) return undefined;
    const box = this.canvas!.getBoundingClientRect();
    const x = event.clientX - box.left;
    const y = event.clientY - box.top;
    const panel = layout.panels.find(
      (p) =>
        x >= p.rect.left - 6 &&
        x <= p.rect.left + p.rect.width + 6 &&
        y >= p.rect.top - 6 &&
        y <= p.rect.top + p.rect.height + 6,
    );
    if (!panel) return undefined;
    const mask = this.analysis.keptBy(this.filters);
    const index = nearestPoint(panel.points, x, y, 8, mask && ((i) => mask[i] === 1));
    return index === undefined ? undefined : { index, x, y, column: panel.column };
  }

  private onMove(event: PointerEvent): void {
    const hit = this.hit(event);
    const before = this.hoverTrial?.index;
    this.hoverTrial = hit;
    if (hit?.index !== before) {
      const trial = hit && this.layout!.data.trials[hit.index];
      this.dispatchEvent(new TrialHoverEvent(trial?.id));
    }
  }

  private onLeave(): void {
    if (!this.hoverTrial) return;
    this.hoverTrial = undefined;
    this.dispatchEvent(new TrialHoverEvent(undefined));
  }

  private onClick(event: MouseEvent): void {
    const hit = this.hit(event);
    if (!hit) return;
    const trial = this.layout!.data.trials[hit.index];
    this.dispatchEvent(
      new TrialSelectEvent(
        selectionAfterClick(this.selected, trial.id, event.ctrlKey || event.metaKey),
        trial,
      ),
    );
  }
}

/**
 * Each trial's point in a panel, in CSS pixels: x on the param's axis (categories spread a little
 * so that their points do not stack), y the metric; NaN where either is missing.
 */
function panelPoints(column: ParamColumn, yAt: Float32Array, rect: Rect): Points {
  const n = yAt.length;
  const xs = new Float32Array(n);
  const ys = new Float32Array(n);
  const band = column.scale === 'categorical' ? 0.6 / Math.max(1, column.categories.length) : 0;
  for (let i = 0; i < n; i++) {
    const jitter = band ? (((i * 2654435761) >>> 0) / 4294967296 - 0.5) * band : 0;
    xs[i] = rect.left + (positionOf(column, column.values[i]) + jitter) * rect.width;
    ys[i] = rect.top + (1 - yAt[i]) * rect.height;
  }
  return { xs, ys };
}

declare global {
  interface HTMLElementTagNameMap {
    'trial-slice-plot': SlicePlot;
  }
}
