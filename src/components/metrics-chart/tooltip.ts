/**
 * The hover tooltip: the values under the pointer and where the box stands. Loaded once the chart
 * has drawn (or at the first hover), not with the page: the first picture needs none of it. The
 * keyboard's zoom, the smoothing code, the dense charts' rasteriser and the step annotations'
 * markers come with it, for the same reason.
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import { formatNumber, trialLabel } from '../internal/format.js';
import type { ChartKit } from './chart-kit.js';
import type { HitPoint } from './hit-test.js';
import type { Frame } from './layout.js';
import type { OverlayScene } from './paint.js';
import type { XAxisSpec } from './scales.js';

export { annotationMarkers } from './annotations.js';
export { keyboardZoom } from './keyboard-zoom.js';
export * as smoothing from './smoothing.js';
export { SpanRaster } from './span-raster.js';

/** The tooltip's box and rows (the grouped curves' tooltip wears them too). */
export const styles = css`
  .tooltip {
    position: absolute;
    pointer-events: none;
    background: var(--_tooltip-bg);
    color: var(--_fg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 6px 8px;
    font-size: 0.9em;
    box-shadow: 0 2px 10px rgb(0 0 0 / 0.18);
    max-width: 18em;
    box-sizing: border-box;
    z-index: 1;
  }
  .tooltip-title {
    color: var(--_muted);
    margin-bottom: 4px;
  }
  .tooltip-row {
    display: grid;
    grid-template-columns: auto 1fr auto;
    gap: 6px;
    align-items: center;
    white-space: nowrap;
  }
  .tooltip-row > span:not(.value) {
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .tooltip-row.nearest {
    font-weight: 600;
  }
  .tooltip-row .value {
    font-variant-numeric: tabular-nums;
    text-align: right;
  }
`;

/** Rows shown in the tooltip; the rest are counted. */
const TOOLTIP_ROWS = 10;

/** The values under the pointer, nearest curves first, beside the pointer (flipped past the middle). */
export function tooltip(
  frame: Frame | undefined,
  { hit, pointer: p }: OverlayScene,
  xAxis: XAxisSpec,
  smoothing: number,
  kit: ChartKit,
): TemplateResult | typeof nothing {
  if (!hit || !frame || !p || hit.points.length === 0) return nothing;
  const near = hit.nearest ?? hit.points[0];
  // Nearest rows first, those with no place on the plot (NaN, ±Infinity) after them; shown by value,
  // high to low, NaN last: a trial that logged NaN here says so instead of hiding in "+1 more".
  const distance = (pt: HitPoint) => (Number.isFinite(pt.top) ? Math.abs(pt.top - p.top) : Number.MAX_VALUE);
  const rows = [...hit.points]
    .sort((a, b) => (a === near ? -1 : b === near ? 1 : distance(a) - distance(b)))
    .slice(0, TOOLTIP_ROWS)
    .sort((a, b) => byValue(b.value, a.value));
  const more = hit.points.length - rows.length;
  return html`
    <div part="tooltip" class="tooltip" role="status" style=${tooltipPlace(frame, p, kit)}>
      <div class="tooltip-title">${xAxis.name} ${kit.formatX(xAxis.kind, near.x)}${
        // Against another metric, the step says where in training the point is.
        xAxis.kind === 'metric' ? ` · step ${kit.formatX('step', near.view.series.steps[near.index])}` : ''
      }</div>
      ${rows.map((pt) => tooltipRow(pt, pt === hit.nearest, smoothing, kit))}
      ${more > 0 ? html`<div class="tooltip-title">+${more} more</div>` : nothing}
    </div>
  `;
}

/** Compares values with NaN lowest (below -Infinity). */
function byValue(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : -1) : 1;
  return a === b ? 0 : a < b ? -1 : 1;
}

/**
 * Where a tooltip stands: beside the pointer, on its left past the plot's middle, and no wider than
 * the room on that side (a phone's narrow chart would cut its values off).
 */
export function tooltipPlace(
  frame: Frame,
  pointer: NonNullable<OverlayScene['pointer']>,
  { MARGIN }: ChartKit,
): string {
  const plotLeft = frame.plot.left / frame.dpr;
  const plotTop = frame.plot.top / frame.dpr;
  const plotWidth = frame.plot.width / frame.dpr;
  const flip = pointer.left > plotWidth / 2;
  const room = Math.max(
    0,
    flip ? plotLeft + pointer.left - 18 : plotWidth + MARGIN.right - pointer.left - 18,
  );
  const at = flip
    ? `right:${plotWidth - pointer.left + 14 + MARGIN.right}px`
    : `left:${plotLeft + pointer.left + 14}px`;
  return `${at};top:${plotTop + 4}px;max-width:min(18em, ${Math.floor(room)}px)`;
}

function tooltipRow(point: HitPoint, nearest: boolean, smoothing: number, kit: ChartKit): TemplateResult {
  const smoothed = smoothing > 0 && !Object.is(point.raw, point.value) ? ` (${formatNumber(point.raw)})` : '';
  return html`<div class="tooltip-row ${nearest ? 'nearest' : ''}" data-trial=${point.view.trial.id}>
    ${kit.swatch(point.view)}<span>${trialLabel(point.view.trial)}</span
    ><span class="value">${formatNumber(point.value)}${smoothed}</span>
  </div>`;
}
