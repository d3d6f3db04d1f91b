/**
 * Painting the parallel coordinates. Lines are grouped by objective colour bin so that each bin is
 * one path and one stroke; their pixel ys are computed once per layout, so a brush frame only walks
 * the kept rows and strokes them over a cached picture of every line.
 */
import { BIN_COUNT, binColors, NO_OBJECTIVE } from '../analysis/objective-colors.js';
import type { Axis } from './axes.js';

/** Where lines go, in CSS pixels. */
export interface Geometry {
  readonly width: number;
  readonly height: number;
  /** The x of each axis, in drawing order. */
  readonly xs: readonly number[];
  readonly top: number;
  /** Height of the axes' value range. */
  readonly span: number;
  /** The y of the "missing" band, below the axes. */
  readonly missingY: number;
}

/** Room above the axes (labels, buttons) and below them (the "missing" band). */
const TOP = 52;
const BOTTOM = 30;

/** Where `axisCount` axes go in a plot `width` × `height`: evenly spread, padded at the sides. */
export function layoutGeometry(axisCount: number, width: number, height: number): Geometry {
  const pad = Math.min(60, width / axisCount / 2);
  const step = axisCount > 1 ? (width - 2 * pad) / (axisCount - 1) : 0;
  return {
    width,
    height,
    xs: Array.from({ length: axisCount }, (_, k) => (axisCount > 1 ? pad + k * step : width / 2)),
    top: TOP,
    span: height - TOP - BOTTOM,
    missingY: height - 12,
  };
}

/** Lines ready to stroke: the trials drawn, their ys, and their rows by colour bin (no objective first). */
export interface LineSet {
  /** Trial index of each row. */
  readonly trials: Uint32Array;
  /** ys[row * axes + axis]. */
  readonly ys: Float32Array;
  readonly axes: number;
  /** Rows per bin: [no objective, worse … better]. */
  readonly buckets: readonly Uint32Array[];
}

export function yOf(g: Geometry, at: number): number {
  return Number.isNaN(at) ? g.missingY : g.top + (1 - at) * g.span;
}

/** Computes every drawn trial's ys and its colour bucket. */
export function lineSet(axes: readonly Axis[], trials: Uint32Array, bins: Int8Array, g: Geometry): LineSet {
  const n = trials.length;
  const a = axes.length;
  const ys = new Float32Array(n * a);
  const counts = new Uint32Array(BIN_COUNT + 1);
  for (let r = 0; r < n; r++) {
    const i = trials[r];
    for (let k = 0; k < a; k++) ys[r * a + k] = yOf(g, axes[k].at[i]);
    counts[bins[i] + 1]++;
  }
  const buckets = [...counts].map((c) => new Uint32Array(c));
  const filled = new Uint32Array(BIN_COUNT + 1);
  for (let r = 0; r < n; r++) {
    const b = bins[trials[r]] + 1;
    buckets[b][filled[b]++] = r;
  }
  return { trials, ys, axes: a, buckets };
}

/**
 * Strokes the rows of `set` (only those `mask` keeps, when given; one in `every` of them, when
 * given: the `offset`-th of each `every`), each bin in its colour or all in `flat`.
 */
export function strokeLines(
  ctx: CanvasRenderingContext2D,
  set: LineSet,
  g: Geometry,
  options: {
    dark: boolean;
    alpha: number;
    flat?: string;
    mask?: Uint8Array;
    every?: number;
    offset?: number;
  },
): void {
  const colors = binColors(options.dark);
  const { ys, axes, trials } = set;
  const { xs } = g;
  const every = options.every ?? 1;
  const offset = options.offset ?? 0;
  let seen = 0;
  ctx.lineWidth = 1;
  ctx.globalAlpha = options.alpha;
  for (let b = 0; b < set.buckets.length; b++) {
    const rows = set.buckets[b];
    ctx.strokeStyle =
      options.flat ?? (b === 0 ? NO_OBJECTIVE[options.dark ? 'dark' : 'light'] : colors[b - 1]);
    ctx.beginPath();
    for (let j = 0; j < rows.length; j++) {
      const r = rows[j];
      if (options.mask && !options.mask[trials[r]]) continue;
      if (every > 1 && seen++ % every !== offset) continue;
      const base = r * axes;
      ctx.moveTo(xs[0], ys[base]);
      for (let k = 1; k < axes; k++) ctx.lineTo(xs[k], ys[base + k]);
    }
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
}

/** Strokes one trial's line (selected or hovered), over everything. */
export function strokeTrial(
  ctx: CanvasRenderingContext2D,
  axes: readonly Axis[],
  trial: number,
  g: Geometry,
  color: string,
  width: number,
): void {
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.beginPath();
  for (let k = 0; k < axes.length; k++) {
    const y = yOf(g, axes[k].at[trial]);
    if (k === 0) ctx.moveTo(g.xs[0], y);
    else ctx.lineTo(g.xs[k], y);
  }
  ctx.stroke();
}

/** Axis lines, the missing band and each brush, over the lines. Tick labels are HTML (see the element). */
export function paintAxes(
  ctx: CanvasRenderingContext2D,
  axes: readonly Axis[],
  g: Geometry,
  brushes: ReadonlyMap<string, readonly [number, number]>,
  colors: { fg: string; muted: string; accent: string },
): void {
  ctx.lineWidth = 1;
  for (let k = 0; k < axes.length; k++) {
    const x = Math.round(g.xs[k]) + 0.5;
    ctx.strokeStyle = colors.fg;
    ctx.beginPath();
    ctx.moveTo(x, g.top);
    ctx.lineTo(x, g.top + g.span);
    ctx.stroke();
    ctx.strokeStyle = colors.muted;
    ctx.setLineDash([2, 2]);
    ctx.beginPath();
    ctx.moveTo(x - 6, g.missingY);
    ctx.lineTo(x + 6, g.missingY);
    ctx.stroke();
    ctx.setLineDash([]);
    const brush = brushes.get(axes[k].key);
    if (brush) {
      const y0 = g.top + (1 - brush[1]) * g.span;
      const y1 = g.top + (1 - brush[0]) * g.span;
      ctx.fillStyle = colors.accent;
      ctx.globalAlpha = 0.22;
      ctx.fillRect(x - 7, y0, 14, Math.max(2, y1 - y0));
      ctx.globalAlpha = 1;
      ctx.strokeStyle = colors.accent;
      ctx.strokeRect(x - 7, y0, 14, Math.max(2, y1 - y0));
    }
  }
}

/**
 * The trial whose line passes nearest (x, y) (plot pixels), within `within` pixels; only trials
 * `mask` keeps, when given. Needs two axes or more.
 */
export function nearestLine(
  g: Geometry,
  lines: LineSet,
  mask: Uint8Array | undefined,
  x: number,
  y: number,
  within: number,
): number | undefined {
  let k = 0;
  while (k < g.xs.length - 2 && x > g.xs[k + 1]) k++;
  const t = Math.max(0, Math.min(1, (x - g.xs[k]) / (g.xs[k + 1] - g.xs[k])));
  let best = within;
  let found: number | undefined;
  for (let r = 0; r < lines.trials.length; r++) {
    const i = lines.trials[r];
    if (mask && !mask[i]) continue;
    const base = r * lines.axes + k;
    const d = Math.abs(lines.ys[base] + t * (lines.ys[base + 1] - lines.ys[base]) - y);
    if (d < best) {
      best = d;
      found = i;
    }
  }
  return found;
}
