/**
 * Canvas painting for the metrics chart: grid lines and reduced curves, in device pixels. Paths go
 * through d3-shape's `line()` drawing straight into the 2D context, so gaps (NaN markers left by
 * the reduction) break the line through `defined`.
 */
import { line } from 'd3-shape';
import type { ReducedPoints } from './m4.js';
import type { Tick } from './scales.js';

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
    this.points = undefined;
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
