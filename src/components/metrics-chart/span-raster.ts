/**
 * Hairlines drawn without the canvas' stroker: the solid one-device-pixel curves of a dense chart,
 * written as vertical runs of pixels, one run per pixel column a segment crosses, into a buffer
 * that is then composited onto the chart once. A one-pixel line without anti-aliasing is the
 * drawing M4 is exact for, and at hundreds of curves the canvas' anti-aliasing only blurs the mass;
 * the canvas, though, spends most of a dense paint stroking (1,000 random walks of 3,200 points in
 * headless Chromium: 344 ms of strokes, 67 ms of runs; `bench:chart`'s cold 200 × 10,000 went from
 * uPlot's time to 0.72 of it). Comes with the chart's on-demand chunk: until it has arrived the
 * canvas strokes everything.
 */
import type { CurveStyle, PlotRect, StyledCurve } from './paint.js';

/**
 * A layer of rasterised hairlines the size of the plot, composited at one opacity. Curves added
 * between two flushes are drawn in order, the later over the earlier.
 */
export class SpanRaster {
  private readonly canvas = document.createElement('canvas');
  private image = new ImageData(1, 1);
  private pixels = new Uint32Array(0);
  private readonly colors = new Map<string, number>();
  private probe?: CanvasRenderingContext2D;
  /** The opacity of the curves added since the last flush. */
  private alpha = 1;
  /** The columns written since the last flush (none when left > right). */
  private left = 0;
  private right = -1;

  /** Whether curves of this style are drawn here: hairlines without markers. */
  takes({ width, markers }: CurveStyle): boolean {
    return width <= 1 && !markers;
  }

  /**
   * Rasterises `curves` (all of a style it {@link takes}) onto the pending layer, clipped to `plot`.
   * A curve of another opacity than the pending ones composites those first.
   */
  add(
    ctx: CanvasRenderingContext2D,
    curves: readonly StyledCurve[],
    plot: PlotRect,
    toY: (value: number) => number,
  ): void {
    const width = Math.floor(plot.width);
    const height = Math.floor(plot.height);
    if (width <= 0 || height <= 0) return;
    if (this.image.width !== width || this.image.height !== height) {
      this.flush(ctx, plot);
      this.canvas.width = width;
      this.canvas.height = height;
      this.image = new ImageData(width, height);
      this.pixels = new Uint32Array(this.image.data.buffer);
    }
    for (const curve of curves) {
      if (curve.style.alpha !== this.alpha) {
        this.flush(ctx, plot);
        this.alpha = curve.style.alpha;
      }
      this.drawCurve(curve, plot.top, toY);
    }
  }

  /** Composites the pending layer onto `ctx` over the plot, and empties it. */
  flush(ctx: CanvasRenderingContext2D, plot: PlotRect): void {
    const { image, left } = this;
    if (left > this.right) return;
    const width = this.right - left + 1;
    this.canvas.getContext('2d')!.putImageData(image, 0, 0, left, 0, width, image.height);
    const alpha = ctx.globalAlpha;
    ctx.globalAlpha = this.alpha;
    ctx.drawImage(this.canvas, left, 0, width, image.height, plot.left + left, plot.top, width, image.height);
    ctx.globalAlpha = alpha;
    for (let at = left; at < this.pixels.length; at += image.width) this.pixels.fill(0, at, at + width);
    this.left = 0;
    this.right = -1;
  }

  /**
   * One curve's segments, or of a dashed curve the parts its pattern draws; a NaN breaks the line,
   * a point off every scale (±Infinity) is passed over.
   */
  private drawCurve(curve: StyledCurve, top: number, toY: (value: number) => number): void {
    const { px, values, length } = curve.points;
    const { pixels, image } = this;
    const { width, height } = image;
    const color = this.colorOf(curve.style.color);
    const dashes = curve.style.dash.some((d) => d > 0) ? new Dashes(curve.style.dash) : undefined;
    const clip = { from: 0, to: 1 };
    let open = false;
    let x0 = 0;
    let y0 = 0;
    let left = Number.POSITIVE_INFINITY;
    let right = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < length; i++) {
      const value = values[i];
      if (Number.isNaN(value)) {
        open = false;
        continue;
      }
      const y = toY(value) - top;
      if (!Number.isFinite(y)) continue;
      const x = px[i];
      if (x < left) left = x;
      if (x > right) right = x;
      if (!open) {
        // A new subpath starts the pattern again, as the canvas' does.
        dashes?.restart();
        segment(pixels, width, height, x, y, x, y, color);
      } else if (!dashes) segment(pixels, width, height, x0, y0, x, y, color);
      else {
        const dx = x - x0;
        const dy = y - y0;
        // Not Math.hypot (several times slower) unless the squares overflow.
        let span = Math.sqrt(dx * dx + dy * dy);
        if (!Number.isFinite(span)) span = Math.hypot(dx, dy);
        // Dash by dash only near the layer: a point far off a zoomed plot is billions of dashes away.
        if (clipped(x0, y0, dx, dy, width, height, clip)) {
          dashes.skip(clip.from * span);
          const parts = dashes.walk((clip.to - clip.from) * span);
          for (let p = 0; p < parts; p += 2) {
            const a = clip.from + dashes.parts[p] / span;
            const b = clip.from + dashes.parts[p + 1] / span;
            segment(pixels, width, height, x0 + dx * a, y0 + dy * a, x0 + dx * b, y0 + dy * b, color);
          }
          dashes.skip((1 - clip.to) * span);
        } else dashes.skip(span);
      }
      open = true;
      x0 = x;
      y0 = y;
    }
    if (left > right) return;
    const first = Math.max(0, pixelOf(left, width));
    const last = Math.min(width - 1, pixelOf(right, width));
    if (first > last) return;
    this.left = this.left > this.right ? first : Math.min(this.left, first);
    this.right = Math.max(this.right, last);
  }

  /** A CSS colour as the layer's pixel value (read back from the canvas: any CSS colour parses). */
  private colorOf(css: string): number {
    let color = this.colors.get(css);
    if (color !== undefined) return color;
    this.probe ??= document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
    const probe = this.probe;
    probe.clearRect(0, 0, 1, 1);
    probe.fillStyle = css;
    probe.fillRect(0, 0, 1, 1);
    color = new Uint32Array(probe.getImageData(0, 0, 1, 1).data.buffer)[0];
    this.colors.set(css, color);
    return color;
  }
}

/**
 * Where a dashed curve is in its pattern (in pixels along the curve): the dash it is in and what
 * is left of it. As the canvas does, an odd pattern counts twice.
 */
class Dashes {
  private readonly pattern: readonly number[];
  private readonly period: number;
  private at = 0;
  private left = 0;
  /** The on-parts {@link walk} found: start and end distances, in pairs. */
  readonly parts: number[] = [];

  constructor(pattern: readonly number[]) {
    this.pattern = pattern.length % 2 ? [...pattern, ...pattern] : pattern;
    this.period = this.pattern.reduce((sum, d) => sum + d, 0);
    this.restart();
  }

  restart(): void {
    this.at = 0;
    this.left = this.pattern[0];
  }

  /** Moves `length` pixels along without drawing (whole periods at once). */
  skip(length: number): void {
    if (!Number.isFinite(length)) return;
    if (length < this.left) {
      this.left -= length;
      return;
    }
    let rest = (length - this.left) % this.period;
    this.next();
    while (rest >= this.left) {
      rest -= this.left;
      this.next();
    }
    this.left -= rest;
  }

  /**
   * Moves `length` pixels along, noting the on-parts met in {@link parts}; returns how many numbers
   * it wrote. A dash that ends here ends a pixel short: its runs cover both ends, a pixel more
   * than the canvas strokes.
   */
  walk(length: number): number {
    let count = 0;
    for (let done = 0; done < length; ) {
      const step = Math.min(this.left, length - done);
      if (this.at % 2 === 0) {
        this.parts[count++] = done;
        this.parts[count++] = done + (step === this.left ? Math.max(0, step - 1) : step);
      }
      done += step;
      this.left -= step;
      if (this.left <= 0) this.next();
    }
    return count;
  }

  private next(): void {
    this.at = (this.at + 1) % this.pattern.length;
    this.left = this.pattern[this.at];
  }
}

/**
 * Whether the segment from (x0, y0) by (dx, dy) comes within a pixel of a layer `width` ×
 * `height`; if so, `clip` holds the fractions of the segment where it enters and leaves
 * (Liang–Barsky).
 */
function clipped(
  x0: number,
  y0: number,
  dx: number,
  dy: number,
  width: number,
  height: number,
  clip: { from: number; to: number },
): boolean {
  clip.from = 0;
  clip.to = 1;
  return (
    edge(clip, -dx, x0 + 1) &&
    edge(clip, dx, width + 1 - x0) &&
    edge(clip, -dy, y0 + 1) &&
    edge(clip, dy, height + 1 - y0)
  );
}

/** Narrows `clip` to one edge's side (`p` the segment's pull across it, `q` the start's distance). */
function edge(clip: { from: number; to: number }, p: number, q: number): boolean {
  if (p === 0) return q >= 0;
  const r = q / p;
  if (p < 0) {
    if (r > clip.to) return false;
    clip.from = Math.max(clip.from, r);
  } else {
    if (r < clip.from) return false;
    clip.to = Math.min(clip.to, r);
  }
  return true;
}

/**
 * The segment from (x0, y0) to (x1, y1) in the pixels of a layer `width` × `height`: in every
 * column it crosses, the run of rows between where it enters and where it leaves the column (so
 * neighbouring runs touch). Plain functions of locals: this is the hot loop of a dense paint.
 */
function segment(
  pixels: Uint32Array,
  width: number,
  height: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  color: number,
): void {
  if (x1 < x0) {
    segment(pixels, width, height, x1, y1, x0, y0, color);
    return;
  }
  // Half a pixel past an edge is on the edge's pixel (see pixelOf), written out: the hot path.
  if (x0 >= width + 0.5 || x1 < -0.5) return;
  let first = x0 > 0 ? Math.floor(x0) : 0;
  if (first > width - 1) first = width - 1;
  let last = x1 < width - 1 ? Math.floor(x1) : width - 1;
  if (last < 0) last = 0;
  if (first === last) {
    run(pixels, width, height, first, y0, y1, color);
    return;
  }
  const slope = (y1 - y0) / (x1 - x0);
  let enter = first > x0 ? y0 + (first - x0) * slope : y0;
  for (let column = first; column <= last; column++) {
    const leave = column + 1 < x1 ? y0 + (column + 1 - x0) * slope : y1;
    run(pixels, width, height, column, enter, leave, color);
    enter = leave;
  }
}

/** Colours the rows from `ya` to `yb` (either order, clipped to the layer) of one column. */
function run(
  pixels: Uint32Array,
  width: number,
  height: number,
  column: number,
  ya: number,
  yb: number,
  color: number,
): void {
  const low = Math.min(ya, yb);
  const high = Math.max(ya, yb);
  if (low >= height + 0.5 || high < -0.5) return;
  let row = low > 0 ? Math.floor(low) : 0;
  if (row > height - 1) row = height - 1;
  let to = high < height - 1 ? Math.floor(high) : height - 1;
  if (to < 0) to = 0;
  for (let at = row * width + column; row <= to; row++, at += width) pixels[at] = color;
}

/**
 * The pixel holding coordinate `v` on an axis of `size` pixels, -1 or `size` past either end. A
 * line within half a pixel outside an edge is on the edge's pixel, as the canvas covers half of it
 * there (a curve at the bottom of its y axis lies on the plot's last row).
 */
function pixelOf(v: number, size: number): number {
  if (v < -0.5) return -1;
  if (v >= size + 0.5) return size;
  return Math.min(Math.max(Math.floor(v), 0), size - 1);
}
