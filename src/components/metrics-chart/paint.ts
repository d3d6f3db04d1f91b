/**
 * Canvas painting for the metrics chart, in device pixels: grid lines, curves (all of them, or only
 * the tails appended since the last paint) and the overlay (crosshair, hover dots, zoom box). Curves
 * of one style are traced into one path and stroked once; gaps (NaN markers left by the reduction)
 * break the line. Dense charts draw hairlines (one device pixel), which the canvas strokes on a
 * fast path: wider lines cost several times more and only merge into a blur at that density.
 * Emphasised curves go on a layer of their own; a full paint too big for one frame is spread over
 * several on a canvas of its own while the last picture, stretched, stays on screen.
 */
import { type ColorToken, THEME_COLORS } from '../internal/theme.js';
import type { Hit } from './hit-test.js';
import { type Frame, toDeviceY } from './layout.js';
import { ReducedPoints } from './m4.js';
import type { Tick } from './scales.js';
import type { SeriesView } from './series-view.js';

/** Curve widths in CSS pixels: normal, and for emphasised trials (hairlines when dense). */
const LINE_WIDTH = 1.5;
const EMPHASIS_WIDTH = 2.5;
/**
 * A full paint of more reduced points than this is spread over frames, this many a frame: about
 * 12 ms of hairline stroking on the machine the benchmark runs on (600,000 points take 62 ms).
 */
const PART_POINTS = 120_000;

/** A full paint spread over frames: its canvas and scales, the curves still to draw, those drawn. */
interface Repaint {
  readonly ctx: CanvasRenderingContext2D;
  readonly frame: Frame;
  readonly queue: SeriesView[];
  readonly drawn: Set<SeriesView>;
}

/** Opacity of the raw curve drawn behind a smoothed one (TensorBoard and W&B keep it faint too). */
const RAW_ALPHA = 0.25;
/** From this many curves on, the chart is dense: plain curves are hairlines. */
const DENSE_CURVES = 16;
/**
 * Past this many reduced points over all curves, the chart is dense too: a wider line is stroked
 * as an outline the rasteriser fills, about ten times a hairline's cost (10 noisy curves of 3,000
 * points: 45 ms against 3), so wide lines are kept for what they cost little (≈ 2.5 ms here).
 */
const WIDE_POINTS_BUDGET = 2000;
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
interface StyledCurve {
  readonly points: ReducedPoints;
  readonly style: CurveStyle;
}

/**
 * Strokes `curves` in order, one path per run of a style (colour, dash, width, opacity), so that
 * 200 curves in ten colours cost tens of strokes, not hundreds. Curves of a style are drawn
 * together: order within the non-emphasised curves is not kept, which a dense chart cannot show.
 */
export function strokeCurves(
  ctx: CanvasRenderingContext2D,
  curves: readonly StyledCurve[],
  left: number,
  toY: (value: number) => number,
): void {
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

/** How `paintAll`, `paintTails` and `paintEmphasis` draw one commit's curves. */
export interface CurveScene {
  views: readonly SeriesView[];
  /** Ids of the trials drawn emphasised (others are dimmed while there are any). */
  emphasis: ReadonlySet<string>;
  colors: CanvasColors;
}

/**
 * Paints curves on two canvases: every curve in its plain style on the main one, and the
 * emphasised curves on the layer above it (the main canvas is dimmed by CSS meanwhile). Hovering,
 * pinning or selecting trials then repaints a few curves, not two hundred. Keeps the tail buffers
 * and the density of the last full paint.
 */
export class ChartPainter {
  private readonly tails: ReducedPoints[] = [];
  /** Whether the last full paint drew hairlines; tails must match it. */
  private dense = false;
  /** A full paint being spread over frames, drawn on a canvas of its own until it is whole. */
  private repaint?: Repaint;
  private back?: HTMLCanvasElement;
  /** The main canvas' size at its last full paint (resizing a canvas clears it). */
  private paintedSize = '';

  /** Whether a full paint is being spread over frames (call `stepRepaint` at the next one). */
  get repainting(): boolean {
    return this.repaint !== undefined;
  }

  /** Whether `views` would be drawn at another width than the last full paint's (repaint all). */
  densityChanged(views: readonly SeriesView[]): boolean {
    return isDense(views) !== this.dense;
  }

  /**
   * Starts a full paint spread over frames when the curves hold more points than one frame can
   * stroke (the x axis of a live study of 200 trials moves: 80 ms of stroking in one go). Until it
   * is whole the main canvas shows its last picture stretched to the new scales. Returns false when
   * the paint must be done at once (few points, no picture yet, or a new size).
   */
  beginRepaint(
    ctx: CanvasRenderingContext2D,
    frame: Frame,
    shown: Frame | undefined,
    scene: CurveScene,
  ): boolean {
    let points = 0;
    for (const view of scene.views) points += view.reduced.length + view.rawReduced.length;
    const canvas = ctx.canvas as HTMLCanvasElement;
    const size = `${canvas.width}x${canvas.height}`;
    // A resized canvas was cleared: there is no picture to stretch.
    if (points <= PART_POINTS || !shown || shown.dpr !== frame.dpr || size !== this.paintedSize) return false;
    this.back ??= document.createElement('canvas');
    const back = this.back;
    back.width = canvas.width;
    back.height = canvas.height;
    const backCtx = back.getContext('2d')!;
    // The old picture, stretched: an affine map takes the old scales' pixels to the new ones.
    backCtx.drawImage(canvas, 0, 0);
    clearCanvas(ctx);
    const { plot, dpr } = frame;
    const [x0, x1] = shown.xDomain;
    const [y0, y1] = shown.yDomain;
    const sx = (frame.x(x1) - frame.x(x0)) / (shown.x(x1) - shown.x(x0));
    const sy = (frame.y(y1) - frame.y(y0)) / (shown.y(y1) - shown.y(y0));
    if (Number.isFinite(sx) && Number.isFinite(sy)) {
      clipToPlot(ctx, plot);
      ctx.translate(plot.left + frame.x(x0) * dpr, plot.top + frame.y(y0) * dpr);
      ctx.scale(sx, sy);
      ctx.translate(-(shown.plot.left + shown.x(x0) * dpr), -(shown.plot.top + shown.y(y0) * dpr));
      ctx.drawImage(back, 0, 0);
      ctx.restore();
    }
    clearCanvas(backCtx);
    drawGrid(backCtx, plot, frame.xTicks, frame.yTicks, frame.dpr, scene.colors);
    this.dense = isDense(scene.views);
    for (const view of scene.views) view.drawnLength = 0;
    this.repaint = { ctx: backCtx, frame, queue: [...scene.views], drawn: new Set() };
    return true;
  }

  /**
   * Strokes the next part of a spread full paint on its canvas; with the last, copies the whole
   * picture onto the main canvas. Returns whether it is done.
   */
  stepRepaint(ctx: CanvasRenderingContext2D): boolean {
    const repaint = this.repaint;
    if (!repaint) return true;
    const { frame, queue, drawn } = repaint;
    const { plot, dpr } = frame;
    const part: SeriesView[] = [];
    let points = 0;
    while (queue.length && (points === 0 || points + queue[0].reduced.length <= PART_POINTS)) {
      const view = queue.shift()!;
      points += view.reduced.length + view.rawReduced.length;
      part.push(view);
    }
    const curves = part
      .filter((view) => view.smoothing)
      .map((view) => ({ points: view.rawReduced, style: rawStyle(view, dpr) }));
    for (const view of part) {
      view.drawnLength = view.length;
      drawn.add(view);
      curves.push({ points: view.reduced, style: curveStyle(view, false, dpr, this.dense) });
    }
    clipToPlot(repaint.ctx, plot);
    strokeCurves(repaint.ctx, curves, plot.left, toDeviceY(frame));
    repaint.ctx.restore();
    if (queue.length) return false;
    clearCanvas(ctx);
    ctx.drawImage(repaint.ctx.canvas, 0, 0);
    this.repaint = undefined;
    this.paintedSize = `${ctx.canvas.width}x${ctx.canvas.height}`;
    return true;
  }

  /** Clears and paints grid and every curve in its plain style. */
  paintAll(ctx: CanvasRenderingContext2D, frame: Frame, scene: CurveScene): void {
    const { plot, dpr } = frame;
    const { views } = scene;
    this.repaint = undefined;
    this.paintedSize = `${ctx.canvas.width}x${ctx.canvas.height}`;
    clearCanvas(ctx);
    drawGrid(ctx, plot, frame.xTicks, frame.yTicks, dpr, scene.colors);
    this.dense = isDense(views);
    // Raw curves first, all of them under every smoothed one.
    const curves = views
      .filter((view) => view.smoothing)
      .map((view) => ({ points: view.rawReduced, style: rawStyle(view, dpr) }));
    for (const view of views) {
      view.drawnLength = view.length;
      curves.push({ points: view.reduced, style: curveStyle(view, false, dpr, this.dense) });
    }
    clipToPlot(ctx, plot);
    strokeCurves(ctx, curves, plot.left, toDeviceY(frame));
    ctx.restore();
  }

  /**
   * Paints only the points of `views` appended since the last paint; the scales are unchanged.
   * While a full paint is spread over frames, the tails of the curves it has drawn go onto its
   * canvas, and the others wait to be drawn whole.
   */
  paintTails(ctx: CanvasRenderingContext2D, frame: Frame, views: Iterable<SeriesView>): void {
    const { plot, dpr, xDomain } = frame;
    const repaint = this.repaint;
    if (repaint) {
      ctx = repaint.ctx;
      views = [...views].filter((view) => repaint.drawn.has(view));
    }
    const raws: StyledCurve[] = [];
    const curves: StyledCurve[] = [];
    let used = 0;
    const nextTail = () => {
      if (this.tails.length === used) this.tails.push(new ReducedPoints());
      return this.tails[used++];
    };
    for (const view of views) {
      const raw = view.smoothing ? nextTail() : undefined;
      if (raw && view.reduceTail(xDomain, plot.width, raw, true))
        raws.push({ points: raw, style: rawStyle(view, dpr) });
      const tail = nextTail();
      if (view.reduceTail(xDomain, plot.width, tail))
        curves.push({ points: tail, style: curveStyle(view, false, dpr, this.dense) });
      view.drawnLength = view.length;
    }
    curves.unshift(...raws);
    clipToPlot(ctx, plot);
    strokeCurves(ctx, curves, plot.left, toDeviceY(frame));
    ctx.restore();
  }

  /** Clears the emphasis layer and draws the emphasised trials' curves on it, wide. */
  paintEmphasis(ctx: CanvasRenderingContext2D, frame: Frame, scene: CurveScene): void {
    const { plot, dpr } = frame;
    const { views, emphasis } = scene;
    clearCanvas(ctx);
    if (emphasis.size === 0) return;
    const shown = views.filter((view) => emphasis.has(view.trial.id));
    const curves = shown
      .filter((view) => view.smoothing)
      .map((view) => ({ points: view.rawReduced, style: rawStyle(view, dpr) }));
    for (const view of shown)
      curves.push({ points: view.reduced, style: curveStyle(view, true, dpr, this.dense) });
    clipToPlot(ctx, plot);
    strokeCurves(ctx, curves, plot.left, toDeviceY(frame));
    ctx.restore();
  }
}

export function clearCanvas(ctx: CanvasRenderingContext2D): void {
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
}

function curveStyle(view: SeriesView, emphasised: boolean, dpr: number, dense: boolean): CurveStyle {
  return {
    color: view.style.color,
    dash: view.style.dash.map((d) => d * dpr),
    width: emphasised ? EMPHASIS_WIDTH * dpr : dense ? 1 : LINE_WIDTH * dpr,
    alpha: 1,
    markers: isSparse(view.reduced, MARKER_SPACING * dpr),
    radius: (emphasised ? MARKER_RADIUS + 1 : MARKER_RADIUS) * dpr,
  };
}

/** The faint raw curve behind a smoothed one: a hairline-thin line, no markers. */
function rawStyle(view: SeriesView, dpr: number): CurveStyle {
  return {
    color: view.style.color,
    dash: view.style.dash.map((d) => d * dpr),
    width: Math.max(1, Math.floor(dpr)),
    alpha: RAW_ALPHA,
    markers: false,
    radius: 0,
  };
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
