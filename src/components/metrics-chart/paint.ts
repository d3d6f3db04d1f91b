/**
 * Canvas painting for the metrics chart, in device pixels: grid lines, curves (all of them, or only
 * the tails appended since the last paint) and the overlay (crosshair, hover dots, zoom box). Paths
 * go through d3-shape's `line()` drawing straight into the 2D context, so gaps (NaN markers left by
 * the reduction) break the line through `defined`.
 */
import { line } from 'd3-shape';
import { type ColorToken, THEME_COLORS } from '../internal/theme.js';
import type { Hit } from './hit-test.js';
import { type Frame, toDeviceY } from './layout.js';
import { ReducedPoints } from './m4.js';
import type { Tick } from './scales.js';
import type { SeriesView } from './series-view.js';

/** Curve widths in CSS pixels: normal, and for emphasised trials. */
const LINE_WIDTH = 1.5;
const EMPHASIS_WIDTH = 2.5;
/** Opacity of curves that are not emphasised while some are. */
const DIMMED_ALPHA = 0.2;
/** Radius of a point marker, in CSS pixels. */
const MARKER_RADIUS = 3;
/** Points further apart than this (CSS pixels) are drawn as markers too: a line alone would hide them. */
const MARKER_SPACING = 16;

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
 * Strokes reduced points as one path. `toY` maps values to device pixels; x is already in device
 * pixels from the plot's left edge. The generator is shared: its accessors read the current
 * buffer, which keeps the per-curve cost at the points drawn.
 */
export class CurvePainter {
  private points?: ReducedPoints;
  private left = 0;
  private toY: (value: number) => number = (v) => v;
  private readonly path = line<number>()
    .x((_, i) => this.left + this.points!.px[i])
    .y((_, i) => this.toY(this.points!.values[i]))
    .defined((_, i) => !Number.isNaN(this.points!.values[i]));

  stroke(
    ctx: CanvasRenderingContext2D,
    points: ReducedPoints,
    plot: PlotRect,
    toY: (value: number) => number,
    style: CurveStyle,
  ): void {
    if (points.length === 0) return;
    this.points = points;
    this.left = plot.left;
    this.toY = toY;
    ctx.beginPath();
    this.path.context(ctx)(points.px.subarray(0, points.length) as unknown as number[]);
    ctx.strokeStyle = style.color;
    ctx.lineWidth = style.width;
    ctx.globalAlpha = style.alpha;
    ctx.setLineDash(style.dash as number[]);
    ctx.stroke();
    if (style.markers) this.mark(ctx, points, style);
    this.points = undefined;
  }

  /** A filled dot on every defined point, so that a series of one point is seen. */
  private mark(ctx: CanvasRenderingContext2D, points: ReducedPoints, style: CurveStyle): void {
    ctx.beginPath();
    for (let i = 0; i < points.length; i++) {
      const value = points.values[i];
      if (Number.isNaN(value)) continue;
      const x = this.left + points.px[i];
      const y = this.toY(value);
      ctx.moveTo(x + style.radius, y);
      ctx.arc(x, y, style.radius, 0, 2 * Math.PI);
    }
    ctx.fillStyle = style.color;
    ctx.fill();
  }
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

/** How `paintAll` and `paintTails` draw one commit's curves. */
export interface CurveScene {
  views: readonly SeriesView[];
  /** Ids of the trials drawn emphasised (others are dimmed while there are any). */
  emphasis: ReadonlySet<string>;
  colors: CanvasColors;
}

/** Paints curves on the main canvas; keeps the shared path generator and tail buffer. */
export class ChartPainter {
  private readonly curves = new CurvePainter();
  private readonly tail = new ReducedPoints();

  /** Clears and paints grid and every curve; emphasised trials last, on top. */
  paintAll(ctx: CanvasRenderingContext2D, frame: Frame, scene: CurveScene): void {
    const { plot, dpr } = frame;
    const { views, emphasis } = scene;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    drawGrid(ctx, plot, frame.xTicks, frame.yTicks, dpr, scene.colors);
    const ordered = emphasis.size
      ? [...views.filter((v) => !emphasis.has(v.trial.id)), ...views.filter((v) => emphasis.has(v.trial.id))]
      : views;
    const toY = toDeviceY(frame);
    clipToPlot(ctx, plot);
    for (const view of ordered) {
      this.curves.stroke(ctx, view.reduced, plot, toY, curveStyle(view, emphasis, dpr));
      view.drawnLength = view.length;
    }
    ctx.restore();
  }

  /** Paints only the points of `views` appended since the last paint; the scales are unchanged. */
  paintTails(
    ctx: CanvasRenderingContext2D,
    frame: Frame,
    views: Iterable<SeriesView>,
    emphasis: ReadonlySet<string>,
  ): void {
    const { plot, dpr, xDomain } = frame;
    const toY = toDeviceY(frame);
    clipToPlot(ctx, plot);
    for (const view of views) {
      if (view.reduceTail(xDomain, plot.width, this.tail))
        this.curves.stroke(ctx, this.tail, plot, toY, curveStyle(view, emphasis, dpr));
      view.drawnLength = view.length;
    }
    ctx.restore();
  }
}

function curveStyle(view: SeriesView, emphasis: ReadonlySet<string>, dpr: number): CurveStyle {
  const emphasised = emphasis.has(view.trial.id);
  return {
    color: view.style.color,
    dash: view.style.dash.map((d) => d * dpr),
    width: (emphasised ? EMPHASIS_WIDTH : LINE_WIDTH) * dpr,
    alpha: emphasis.size && !emphasised ? DIMMED_ALPHA : 1,
    markers: isSparse(view.reduced, MARKER_SPACING * dpr),
    radius: (emphasised ? MARKER_RADIUS + 1 : MARKER_RADIUS) * dpr,
  };
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
