/** Painting grouped curves: per group a band and a line over the plot's pixel columns. */

import type { ChartKit } from './chart-kit.js';
import type { GroupCurve } from './group-curves.js';
import type { Frame } from './layout.js';
import type { CanvasColors } from './paint.js';

/** Opacity of a group's band under its line. */
const BAND_ALPHA = 0.18;
/** Width of a group's line in CSS pixels: few lines, so they can be wide. */
const GROUP_WIDTH = 2;

/**
 * Clears and paints the grid and grouped curves: per group its band (filled between the low and
 * high edges) and its line on top. Columns are device pixels; columns where none of the group's
 * trials has a point are stepped over, not gaps (a trial logging every tenth step leaves nine).
 */
export function paintGroups(
  ctx: CanvasRenderingContext2D,
  frame: Frame,
  groups: readonly GroupCurve[],
  colors: CanvasColors,
  { clearCanvas, drawGrid, toDeviceY, clipToPlot }: ChartKit,
): void {
  const { plot, dpr } = frame;
  clearCanvas(ctx);
  drawGrid(ctx, plot, frame.xTicks, frame.yTicks, dpr, colors);
  const toY = toDeviceY(frame);
  const at = (c: number) => plot.left + c + 0.5;
  clipToPlot(ctx, plot);
  ctx.lineJoin = 'round';
  ctx.setLineDash([]);
  ctx.globalAlpha = BAND_ALPHA;
  for (const group of groups) {
    // A log scale cannot place a band edge at or below zero: those columns have no band.
    const columns = drawable(group.low.length, (c) => toY(group.low[c]) + toY(group.high[c]));
    if (columns.length === 0) continue;
    ctx.fillStyle = group.color;
    ctx.beginPath();
    for (const c of columns) ctx.lineTo(at(c), toY(group.high[c]));
    for (let i = columns.length - 1; i >= 0; i--) ctx.lineTo(at(columns[i]), toY(group.low[columns[i]]));
    ctx.closePath();
    ctx.fill();
  }
  ctx.globalAlpha = 1;
  ctx.lineWidth = GROUP_WIDTH * dpr;
  for (const group of groups) {
    const columns = drawable(group.line.length, (c) => toY(group.line[c]));
    if (columns.length === 0) continue;
    ctx.strokeStyle = group.color;
    ctx.beginPath();
    ctx.moveTo(at(columns[0]), toY(group.line[columns[0]]));
    // One column alone is a dot: a level stroke one pixel long shows it.
    if (columns.length === 1) ctx.lineTo(at(columns[0]) + dpr, toY(group.line[columns[0]]));
    for (const c of columns) ctx.lineTo(at(c), toY(group.line[c]));
    ctx.stroke();
  }
  ctx.restore();
}

/** The columns `0..width-1` whose `y(c)` is finite. */
function drawable(width: number, y: (c: number) => number): number[] {
  const columns: number[] = [];
  for (let c = 0; c < width; c++) if (Number.isFinite(y(c))) columns.push(c);
  return columns;
}
