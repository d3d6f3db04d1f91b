/**
 * Canvas drawing for the metrics chart, in device pixels: theme colours, grid lines, curves and the
 * overlay (crosshair, hover dots, zoom box); `chart-painter.ts` decides what to draw when. Curves
 * of one style are traced into one path and stroked once; gaps (NaN markers left by the reduction)
 * break the line. Dense charts draw hairlines (one device pixel), which the canvas strokes on a
 * fast path: wider lines cost several times more and only merge into a blur at that density.
 */
import { type ColorToken, THEME_COLORS } from '../internal/theme.js';
import type { Hit } from './hit-test.js';
import type { Frame } from './layout.js';
import type { ReducedPoints } from './m4.js';
import type { Tick } from './scales.js';
import type { SeriesView } from './series-view.js';
import type { SpanRaster } from './span-raster.js';

/** From this many curves on, the chart is dense: plain curves are hairlines. */
const DENSE_CURVES = 16;
/**
 * Past this many reduced points over all curves, the chart is dense too: a wider line is stroked
 * as an outline the rasteriser fills, about ten times a hairline's cost (10 noisy curves of 3,000
 * points: 45 ms against 3), so wide lines are kept for what they cost little (≈ 2.5 ms here).
 */
const WIDE_POINTS_BUDGET = 2000;

/** The theme colours the canvas paints with, and the tick labels' font for measuring them. */
export type CanvasColors = Record<
  'bg' | 'grid' | 'border' | 'fg' | 'muted' | 'accent' | 'selection',
  string
> & {
  font: string;
};

const CANVAS_TOKENS = [
  'bg',
  'grid',
  'border',
  'fg',
  'muted',
  'accent',
  'selection',
] as const satisfies ColorToken[];

/**
 * Reads the canvas colours from `element`'s computed theme tokens (`--_bg`, …). An element without
 * them (not yet styled) gets the light theme's values, from the same table the styles are built from.
 */
export function readCanvasColors(element: Element): CanvasColors {
  const style = getComputedStyle(element);
  const colors = {} as CanvasColors;
  for (const name of CANVAS_TOKENS) {
    colors[name] = style.getPropertyValue(`--_${name}`).trim() || THEME_COLORS.light[name];
  }
  // Tick labels are 0.85em of the host's font (see the styles); measure with the same font.
  colors.font = `${Number.parseFloat(style.fontSize) * 0.85}px ${style.fontFamily}`;
  return colors;
}

/** The plot rectangle inside the canvas, in device pixels. */
export interface PlotRect {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export interface CurveStyle {
  readonly color: string;
  /** Dash pattern in device pixels; empty for solid. */
  readonly dash: readonly number[];
  readonly width: number;
  readonly alpha: number;
  /** Whether each point also gets a marker (short or sparse series). */
  readonly markers: boolean;
  /** Marker radius in device pixels. */
  readonly radius: number;
}

/**
 * Adds reduced points to the current path as a polyline that breaks at gaps. `toY` maps values to
 * device pixels; x is already in device pixels from the plot's left edge.
 */
export function traceCurve(
  ctx: CanvasRenderingContext2D,
  points: ReducedPoints,
  left: number,
  toY: (value: number) => number,
): void {
  const { px, values, length } = points;
  let open = false;
  for (let i = 0; i < length; i++) {
    const value = values[i];
    if (Number.isNaN(value)) {
      open = false;
      continue;
    }
    const x = left + px[i];
    const y = toY(value);
    if (open) ctx.lineTo(x, y);
    else ctx.moveTo(x, y);
    open = true;
  }
}

/** Adds a dot on every defined point to the current path, so that a series of one point is seen. */
function traceMarkers(
  ctx: CanvasRenderingContext2D,
  points: ReducedPoints,
  left: number,
  toY: (value: number) => number,
  radius: number,
): void {
  for (let i = 0; i < points.length; i++) {
    const value = points.values[i];
    if (Number.isNaN(value)) continue;
    const x = left + points.px[i];
    const y = toY(value);
    ctx.moveTo(x + radius, y);
    ctx.arc(x, y, radius, 0, 2 * Math.PI);
  }
}

/** One curve to draw: its reduced points and how. */
export interface StyledCurve {
  readonly points: ReducedPoints;
  readonly style: CurveStyle;
}

/**
 * Strokes `curves` in order, one path per run of a style (colour, dash, width, opacity), so that
 * 200 curves in ten colours cost tens of strokes, not hundreds. Curves of a style are drawn
 * together: order within the non-emphasised curves is not kept, which a dense chart cannot show.
 * With `raster`, the hairlines it takes are rasterised instead of stroked.
 */
export function strokeCurves(
  ctx: CanvasRenderingContext2D,
  curves: readonly StyledCurve[],
  plot: PlotRect,
  toY: (value: number) => number,
  raster?: SpanRaster,
): void {
  const left = plot.left;
  const batches = new Map<string, StyledCurve[]>();
  for (const curve of curves) {
    if (curve.points.length === 0) continue;
    const { color, dash, width, alpha } = curve.style;
    const key = `${color}|${dash.join(',')}|${width}|${alpha}`;
    const batch = batches.get(key);
    if (batch) batch.push(curve);
    else batches.set(key, [curve]);
  }
  // Bevel joins: miters spike past noisy points and round joins cost a third more.
  ctx.lineJoin = 'bevel';
  for (const batch of batches.values()) {
    const style = batch[0].style;
    if (raster?.takes(style)) {
      raster.add(ctx, batch, plot, toY);
      continue;
    }
    raster?.flush(ctx, plot);
    ctx.strokeStyle = style.color;
    ctx.lineWidth = style.width;
    ctx.globalAlpha = style.alpha;
    ctx.setLineDash(style.dash as number[]);
    ctx.beginPath();
    for (const curve of batch) traceCurve(ctx, curve.points, left, toY);
    ctx.stroke();
    const marked = batch.filter((curve) => curve.style.markers);
    if (marked.length === 0) continue;
    ctx.beginPath();
    for (const curve of marked) traceMarkers(ctx, curve.points, left, toY, curve.style.radius);
    ctx.fillStyle = style.color;
    ctx.fill();
  }
  raster?.flush(ctx, plot);
}

/** Clips later drawing to the plot (curves may extend past it when zoomed). Pair with `restore()`. */
export function clipToPlot(ctx: CanvasRenderingContext2D, plot: PlotRect): void {
  ctx.save();
  ctx.beginPath();
  ctx.rect(plot.left, plot.top, plot.width, plot.height);
  ctx.clip();
}

/**
 * Grid lines at the ticks (positions in CSS pixels, scaled by `dpr`) and the plot's frame, snapped
 * to device pixel centres so one-pixel lines stay sharp.
 */
export function drawGrid(
  ctx: CanvasRenderingContext2D,
  plot: PlotRect,
  xTicks: readonly Tick[],
  yTicks: readonly Tick[],
  dpr: number,
  colors: { grid: string; border: string },
): void {
  const lineWidth = Math.max(1, Math.floor(dpr));
  const snap = (v: number) => Math.round(v) + (lineWidth % 2) / 2;
  ctx.save();
  ctx.lineWidth = lineWidth;
  ctx.setLineDash([]);
  ctx.strokeStyle = colors.grid;
  ctx.beginPath();
  for (const t of xTicks) {
    const x = snap(plot.left + t.position * dpr);
    ctx.moveTo(x, plot.top);
    ctx.lineTo(x, plot.top + plot.height);
  }
  for (const t of yTicks) {
    const y = snap(plot.top + t.position * dpr);
    ctx.moveTo(plot.left, y);
    ctx.lineTo(plot.left + plot.width, y);
  }
  ctx.stroke();
  ctx.strokeStyle = colors.border;
  ctx.beginPath();
  const bottom = snap(plot.top + plot.height);
  ctx.moveTo(snap(plot.left), plot.top);
  ctx.lineTo(snap(plot.left), bottom);
  ctx.lineTo(plot.left + plot.width, bottom);
  ctx.stroke();
  ctx.restore();
}

export function clearCanvas(ctx: CanvasRenderingContext2D): void {
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
}

/**
 * Many curves, or more points than wide lines can afford: plain curves are then drawn as hairlines
 * (one device pixel), which stay distinct where wider lines would merge.
 */
export function isDense(views: readonly SeriesView[]): boolean {
  if (views.length >= DENSE_CURVES) return true;
  let points = 0;
  for (const view of views) points += view.reduced.length;
  return points > WIDE_POINTS_BUDGET;
}

/** Fewer than three points in view, or points `spacing` device pixels apart on average. */
export function isSparse(points: ReducedPoints, spacing: number): boolean {
  const n = points.length;
  return n < 3 || (points.px[n - 1] - points.px[0]) / (n - 1) > spacing;
}

/** A point in CSS pixels from the plot's top-left corner. */
export interface PlotPoint {
  left: number;
  top: number;
}

/** A box being dragged to zoom, in CSS pixels from the plot's top-left corner. */
export interface DragBox extends PlotPoint {
  toLeft: number;
  toTop: number;
}

/** What the overlay shows: the zoom box while dragging, else the crosshair and hover dots. */
export interface OverlayScene {
  drag?: DragBox;
  pointer?: PlotPoint;
  hit?: Hit;
}

/** Crosshair, hover dots and the zoom box, on the overlay canvas. */
export function drawOverlay(
  canvas: HTMLCanvasElement,
  frame: Frame,
  colors: CanvasColors,
  scene: OverlayScene,
): void {
  const ctx = canvas.getContext('2d')!;
  const { plot, dpr } = frame;
  const { drag, pointer, hit } = scene;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.translate(plot.left, plot.top);
  if (drag) {
    const x = Math.min(drag.left, drag.toLeft) * dpr;
    const y = Math.min(drag.top, drag.toTop) * dpr;
    const w = Math.abs(drag.toLeft - drag.left) * dpr;
    const h = Math.abs(drag.toTop - drag.top) * dpr;
    ctx.fillStyle = colors.selection;
    ctx.strokeStyle = colors.accent;
    ctx.lineWidth = dpr;
    ctx.fillRect(x, y, w, h);
    ctx.strokeRect(x, y, w, h);
    return;
  }
  if (!hit || !pointer) return;
  const cx = Math.round(pointer.left * dpr) + 0.5;
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
