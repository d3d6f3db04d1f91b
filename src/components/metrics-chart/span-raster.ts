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
    let dash = curve.style.dash;
    // As the canvas does, an odd pattern repeats twice; one of nothing but zeros is solid.
    if (!dash.some((d) => d > 0)) dash = [];
    else if (dash.length % 2) dash = [...dash, ...dash];
    let dashAt = 0;
    let dashLeft = 0;
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
        dashAt = 0;
        dashLeft = dash[0];
        segment(pixels, width, height, x, y, x, y, color);
      } else if (dash.length === 0) segment(pixels, width, height, x0, y0, x, y, color);
      else {
        const dx = x - x0;
        const dy = y - y0;
        // Not Math.hypot: several times slower, for an accuracy a pixel does not need.
        const span = Math.sqrt(dx * dx + dy * dy);
        for (let done = 0; done < span; ) {
          const step = Math.min(dashLeft, span - done);
          if (dashAt % 2 === 0) {
            const from = done / span;
            const to = (done + step) / span;
            segment(pixels, width, height, x0 + dx * from, y0 + dy * from, x0 + dx * to, y0 + dy * to, color);
          }
          done += step;
          dashLeft -= step;
          if (dashLeft <= 0) {
            dashAt = (dashAt + 1) % dash.length;
            dashLeft = dash[dashAt];
          }
        }
      }
      open = true;
      x0 = x;
      y0 = y;
    }
    if (left > right) return;
    this.left = Math.min(this.left > this.right ? width : this.left, Math.max(0, Math.floor(left)));
    this.right = Math.max(this.right, Math.min(width - 1, Math.floor(right)));
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
  const first = x0 > 0 ? Math.floor(x0) : 0;
  const last = x1 < width - 1 ? Math.floor(x1) : width - 1;
  if (first > last) return;
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
  let row = low > 0 ? Math.floor(low) : 0;
  const to = high < height - 1 ? Math.floor(high) : height - 1;
  for (let at = row * width + column; row <= to; row++, at += width) pixels[at] = color;
}
