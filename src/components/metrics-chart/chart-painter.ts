/**
 * The chart's painter: every curve on the main canvas (whole, or the tails appended since), the
 * emphasised ones on a layer of their own, and a full paint too big for one frame spread over
 * several on a canvas of its own while the last picture, stretched to the new scales, stays on screen.
 */
import { type Frame, toDeviceY } from './layout.js';
import { ReducedPoints } from './m4.js';
import {
  type CanvasColors,
  type CurveStyle,
  clearCanvas,
  clipToPlot,
  drawGrid,
  isDense,
  isSparse,
  type StyledCurve,
  strokeCurves,
} from './paint.js';
import type { SeriesView } from './series-view.js';
import type { SpanRaster } from './span-raster.js';

/** Curve widths in CSS pixels: normal, and for emphasised trials (hairlines when dense). */
const LINE_WIDTH = 1.5;
const EMPHASIS_WIDTH = 2.5;
/**
 * A full paint of more reduced points than this is spread over frames: about 8 ms of hairline
 * stroking on the machine the benchmark runs on (600,000 points take 62 ms).
 */
const SPREAD_POINTS = 80_000;
/**
 * What a frame of a spread paint strokes at most: points, and ms by the clock (checked every
 * {@link PART_POINTS}, for slower machines). 80,000 points a frame left half of each frame idle: a
 * zoom of a thousand curves (3.5M points) took 44 frames. The clock alone does not bound it: the
 * canvas records strokes and rasterises them later, and unbounded frames made 55 ms tasks.
 */
const FRAME_POINTS = 160_000;
const FRAME_MS = 10;
const PART_POINTS = 20_000;

/**
 * From this many reduced points on, a dense chart's hairlines are rasterised by hand (see
 * `span-raster.ts`), once its code has arrived; below it the canvas' anti-aliased strokes cost
 * little (50,000 points: ~10 ms). Rasterised, a frame of a spread full paint holds four times the
 * points.
 */
const RASTER_POINTS = 50_000;
const RASTER_SPEEDUP = 4;

/**
 * The rasteriser, once a chart's on-demand chunk has brought it: one for every chart, as it holds
 * nothing between two paints.
 */
let sharedRaster: SpanRaster | undefined;
export function rasterArrived(Raster: typeof SpanRaster): void {
  sharedRaster ??= new Raster();
}

/** A full paint spread over frames: its canvas and scales, the curves still to draw, those drawn. */
interface Repaint {
  readonly ctx: CanvasRenderingContext2D;
  readonly frame: Frame;
  readonly queue: SeriesView[];
  readonly drawn: Set<SeriesView>;
}

/** Opacity of the raw curve drawn behind a smoothed one (TensorBoard and W&B keep it faint too). */
const RAW_ALPHA = 0.25;
/** Radius of a point marker, in CSS pixels. */
const MARKER_RADIUS = 3;
/** Points further apart than this (CSS pixels) are drawn as markers too: a line alone would hide them. */
const MARKER_SPACING = 16;

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
  /** Whether the emphasis layer may hold curves: an empty layer is not cleared (nor its backing store made). */
  private emphasised = false;
  /** What rasterises the last full paint's hairlines, when they are many (see {@link RASTER_POINTS}). */
  private raster?: SpanRaster;

  /** Notes the density of a full paint of `views` (`points` reduced points): hairlines, rasterised. */
  private densityOf(views: readonly SeriesView[], points: number): void {
    this.dense = isDense(views);
    this.raster = this.dense && points >= RASTER_POINTS ? sharedRaster : undefined;
  }

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
    const points = pointsOf(scene.views);
    const canvas = ctx.canvas as HTMLCanvasElement;
    const size = `${canvas.width}x${canvas.height}`;
    // A resized canvas was cleared: there is no picture to stretch.
    if (points <= SPREAD_POINTS || !shown || shown.dpr !== frame.dpr || size !== this.paintedSize)
      return false;
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
    this.densityOf(scene.views, points);
    for (const view of scene.views) view.drawnLength = 0;
    this.repaint = { ctx: backCtx, frame, queue: [...scene.views], drawn: new Set() };
    return true;
  }

  /**
   * Strokes the next parts of a spread full paint on its canvas (a frame's worth); with the last,
   * copies the whole picture onto the main canvas. Returns whether it is done.
   */
  stepRepaint(ctx: CanvasRenderingContext2D): boolean {
    const repaint = this.repaint;
    if (!repaint) return true;
    const { frame, queue, drawn } = repaint;
    const start = performance.now();
    const speedup = this.raster ? RASTER_SPEEDUP : 1;
    let stroked = 0;
    do {
      const part: SeriesView[] = [];
      let points = 0;
      while (queue.length && (points === 0 || points + queue[0].reduced.length <= PART_POINTS * speedup)) {
        const view = queue.shift()!;
        points += view.reduced.length + view.rawReduced.length;
        part.push(view);
      }
      for (const view of part) {
        view.drawnLength = view.length;
        drawn.add(view);
      }
      this.strokeWhole(repaint.ctx, frame, part, false);
      stroked += points;
    } while (queue.length && stroked < FRAME_POINTS * speedup && performance.now() - start < FRAME_MS);
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
    this.densityOf(views, pointsOf(views));
    for (const view of views) view.drawnLength = view.length;
    this.strokeWhole(ctx, frame, views, false);
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
    // Drawn as the body was (rasterised or stroked), so that a live tail looks like the rest.
    strokeCurves(ctx, curves, plot, toDeviceY(frame), this.raster);
    ctx.restore();
  }

  /** Clears the emphasis layer and draws the emphasised trials' curves on it, wide. */
  paintEmphasis(canvas: HTMLCanvasElement, frame: Frame, scene: CurveScene): void {
    const { views, emphasis } = scene;
    this.clearEmphasis(canvas);
    if (emphasis.size === 0) return;
    const ctx = canvas.getContext('2d')!;
    this.emphasised = true;
    const shown = views.filter((view) => emphasis.has(view.trial.id));
    this.strokeWhole(ctx, frame, shown, true);
  }

  /** Empties the emphasis layer, if it may hold anything. */
  clearEmphasis(canvas: HTMLCanvasElement): void {
    if (!this.emphasised) return;
    clearCanvas(canvas.getContext('2d')!);
    this.emphasised = false;
  }

  /** Strokes the whole reduced curves of `views`, raw ones (when smoothing) under every smoothed one. */
  private strokeWhole(
    ctx: CanvasRenderingContext2D,
    frame: Frame,
    views: readonly SeriesView[],
    emphasised: boolean,
  ): void {
    const { plot, dpr } = frame;
    const curves = views
      .filter((view) => view.smoothing)
      .map((view) => ({ points: view.rawReduced, style: rawStyle(view, dpr) }));
    for (const view of views)
      curves.push({ points: view.reduced, style: curveStyle(view, emphasised, dpr, this.dense) });
    clipToPlot(ctx, plot);
    strokeCurves(ctx, curves, plot, toDeviceY(frame), emphasised ? undefined : this.raster);
    ctx.restore();
  }
}

function pointsOf(views: readonly SeriesView[]): number {
  let points = 0;
  for (const view of views) points += view.reduced.length + view.rawReduced.length;
  return points;
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
