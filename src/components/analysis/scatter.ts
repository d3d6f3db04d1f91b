/**
 * Scatter painting for the slice plot and the history: points in one path per style, or, past
 * `DENSITY_ABOVE` points, a density of small cells (said so in the view's summary), plus the
 * nearest-point search behind hover and click.
 */

/** Past this many points a panel draws a density instead of points. */
export const DENSITY_ABOVE = 20_000;
/** Density cell size in CSS pixels. */
const CELL = 2;

/** Points in CSS pixels; NaN coordinates are not drawn. */
export interface Points {
  readonly xs: Float32Array;
  readonly ys: Float32Array;
}

/** A plotting rectangle in CSS pixels. */
export interface Rect {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** Fills the points `keep` allows (all without it) as small squares, or as a density when many. */
export function paintPoints(
  ctx: CanvasRenderingContext2D,
  points: Points,
  rect: Rect,
  color: string,
  options: { keep?: (i: number) => boolean; size?: number; alpha?: number } = {},
): void {
  const { xs, ys } = points;
  const keep = options.keep;
  ctx.fillStyle = color;
  if (xs.length > DENSITY_ABOVE) {
    paintDensity(ctx, points, rect, keep);
    return;
  }
  const size = options.size ?? 4;
  const half = size / 2;
  ctx.globalAlpha = options.alpha ?? 0.7;
  ctx.beginPath();
  for (let i = 0; i < xs.length; i++) {
    if (Number.isNaN(xs[i]) || Number.isNaN(ys[i]) || (keep && !keep(i))) continue;
    ctx.rect(xs[i] - half, ys[i] - half, size, size);
  }
  ctx.fill();
  ctx.globalAlpha = 1;
}

function paintDensity(
  ctx: CanvasRenderingContext2D,
  points: Points,
  rect: Rect,
  keep?: (i: number) => boolean,
): void {
  const cols = Math.max(1, Math.ceil(rect.width / CELL) + 1);
  const rows = Math.max(1, Math.ceil(rect.height / CELL) + 1);
  const counts = new Uint32Array(cols * rows);
  let most = 0;
  for (let i = 0; i < points.xs.length; i++) {
    const x = points.xs[i];
    const y = points.ys[i];
    if (Number.isNaN(x) || Number.isNaN(y) || (keep && !keep(i))) continue;
    const c = Math.floor((x - rect.left) / CELL);
    const r = Math.floor((y - rect.top) / CELL);
    if (c < 0 || r < 0 || c >= cols || r >= rows) continue;
    const n = ++counts[r * cols + c];
    if (n > most) most = n;
  }
  if (!most) return;
  const scale = 1 / Math.log(1 + most);
  // A few alpha levels, one path each, rather than one fill per cell.
  const LEVELS = 6;
  for (let level = 1; level <= LEVELS; level++) {
    ctx.globalAlpha = 0.15 + (0.85 * level) / LEVELS;
    ctx.beginPath();
    for (let k = 0; k < counts.length; k++) {
      if (!counts[k]) continue;
      if (Math.ceil(Math.log(1 + counts[k]) * scale * LEVELS) !== level) continue;
      ctx.rect(rect.left + (k % cols) * CELL, rect.top + Math.floor(k / cols) * CELL, CELL, CELL);
    }
    ctx.fill();
  }
  ctx.globalAlpha = 1;
}

/** The index of the point nearest (x, y) within `radius` pixels, among those `keep` allows. */
export function nearestPoint(
  points: Points,
  x: number,
  y: number,
  radius: number,
  keep?: (i: number) => boolean,
): number | undefined {
  let best = radius * radius;
  let found: number | undefined;
  for (let i = 0; i < points.xs.length; i++) {
    const dx = points.xs[i] - x;
    const dy = points.ys[i] - y;
    const d = dx * dx + dy * dy;
    if (d <= best && (!keep || keep(i))) {
      best = d;
      found = i;
    }
  }
  return found;
}

/** Draws a ring around one point (selected or hovered). */
export function ringPoint(
  ctx: CanvasRenderingContext2D,
  x: number,
  y: number,
  color: string,
  radius = 5,
): void {
  if (Number.isNaN(x) || Number.isNaN(y)) return;
  ctx.strokeStyle = color;
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.arc(x, y, radius, 0, 2 * Math.PI);
  ctx.stroke();
}

/** Axis lines and tick labels of a panel: `xTicks`/`yTicks` are positions (0–1) and labels. */
export function paintFrame(
  ctx: CanvasRenderingContext2D,
  rect: Rect,
  xTicks: readonly { at: number; label: string }[],
  yTicks: readonly { at: number; label: string }[],
  colors: { grid: string; muted: string; border: string; font: string },
): void {
  ctx.font = colors.font;
  ctx.fillStyle = colors.muted;
  ctx.strokeStyle = colors.grid;
  ctx.lineWidth = 1;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of yTicks) {
    const y = Math.round(rect.top + (1 - t.at) * rect.height) + 0.5;
    ctx.beginPath();
    ctx.moveTo(rect.left, y);
    ctx.lineTo(rect.left + rect.width, y);
    ctx.stroke();
    ctx.fillText(t.label, rect.left - 4, y);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  let lastRight = Number.NEGATIVE_INFINITY;
  for (const t of xTicks) {
    const x = rect.left + t.at * rect.width;
    const w = ctx.measureText(t.label).width;
    if (x - w / 2 < lastRight + 4) continue;
    lastRight = x + w / 2;
    ctx.fillText(t.label, x, rect.top + rect.height + 4);
  }
  ctx.strokeStyle = colors.border;
  ctx.strokeRect(rect.left + 0.5, rect.top + 0.5, rect.width, rect.height);
}
