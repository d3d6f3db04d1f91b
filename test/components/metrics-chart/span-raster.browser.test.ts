// The dense charts' rasteriser, drawn onto a real canvas and read back pixel by pixel.
import { expect } from '@open-wc/testing';
import { ReducedPoints } from '../../../src/components/metrics-chart/m4.js';
import type { CurveStyle, PlotRect, StyledCurve } from '../../../src/components/metrics-chart/paint.js';
import { SpanRaster } from '../../../src/components/metrics-chart/span-raster.js';

const PLOT: PlotRect = { left: 10, top: 5, width: 40, height: 20 };
const RED = '#ff0000';

function points(px: number[], values: number[]): ReducedPoints {
  const reduced = new ReducedPoints();
  reduced.px = Float64Array.from(px);
  reduced.values = Float64Array.from(values);
  reduced.length = px.length;
  return reduced;
}

function curve(px: number[], values: number[], style: Partial<CurveStyle> = {}): StyledCurve {
  return {
    points: points(px, values),
    style: { color: RED, dash: [], width: 1, alpha: 1, markers: false, radius: 0, ...style },
  };
}

/** Draws `curves` (values are device rows within the plot) and returns the canvas' pixels. */
function draw(curves: StyledCurve[], before?: (ctx: CanvasRenderingContext2D) => void) {
  const canvas = document.createElement('canvas');
  canvas.width = 60;
  canvas.height = 30;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  before?.(ctx);
  const raster = new SpanRaster();
  raster.add(ctx, curves, PLOT, (value) => PLOT.top + value);
  raster.flush(ctx, PLOT);
  const data = ctx.getImageData(0, 0, 60, 30).data;
  /** The RGBA of canvas pixel (x, y). */
  const at = (x: number, y: number) => Array.from(data.slice((y * 60 + x) * 4, (y * 60 + x) * 4 + 4));
  /** The rows of column x (canvas pixels) painted at all. */
  const rows = (x: number) => Array.from({ length: 30 }, (_, y) => y).filter((y) => at(x, y)[3] > 0);
  return { at, rows, painted: () => data.filter((_, i) => i % 4 === 3 && data[i] > 0).length };
}

describe('SpanRaster', () => {
  it('draws a level segment as one opaque row of its colour, in the plot', () => {
    const { at, rows } = draw([curve([2, 12], [4.5, 4.5])]);
    for (let x = 12; x <= 22; x++) expect(rows(x), `column ${x}`).to.deep.equal([9]);
    expect(at(15, 9)).to.deep.equal([255, 0, 0, 255]);
    expect(rows(11), 'left of the first point').to.deep.equal([]);
    expect(rows(23), 'right of the last point').to.deep.equal([]);
  });

  it('joins a steep step with runs that touch, so a one-column spike is drawn whole', () => {
    // A spike in one column: from row 15 up to row 1 and back.
    const { rows } = draw([curve([5, 6, 6, 7], [15, 15, 1, 15])]);
    expect(rows(PLOT.left + 6)).to.deep.equal(Array.from({ length: 15 }, (_, i) => PLOT.top + 1 + i));
  });

  it('breaks the line at NaN and passes over points off every scale', () => {
    const gap = draw([curve([0, 10, 20, 30], [5, 5, Number.NaN, 5])]);
    expect(gap.rows(PLOT.left + 15), 'no line across the gap').to.deep.equal([]);
    expect(gap.rows(PLOT.left + 5)).to.deep.equal([PLOT.top + 5]);
    // A lone point after a gap is still seen.
    expect(gap.rows(PLOT.left + 30)).to.deep.equal([PLOT.top + 5]);
    const infinite = draw([curve([0, 10, 20], [5, Number.POSITIVE_INFINITY, 5])]);
    expect(infinite.rows(PLOT.left + 15), 'joined past the infinite point').to.deep.equal([PLOT.top + 5]);
  });

  it('clips to the plot: values far past it neither wrap nor paint outside', () => {
    const { rows, painted } = draw([curve([-100, 10, 11, 12], [5, 5, 1e12, -1e12])]);
    for (let x = 0; x < 60; x++) {
      for (const y of rows(x)) {
        expect(x >= PLOT.left && x < PLOT.left + PLOT.width, `column ${x}`).to.equal(true);
        expect(y >= PLOT.top && y < PLOT.top + PLOT.height, `row ${y}`).to.equal(true);
      }
    }
    // The steep part fills its column from edge to edge.
    expect(rows(PLOT.left + 11).length).to.equal(PLOT.height);
    expect(painted()).to.be.above(PLOT.width);
  });

  it('dashes as the pattern says, each dash as long as the canvas draws it', () => {
    const { rows } = draw([curve([0, 39], [10, 10], { dash: [4, 2] })]);
    const drawn = Array.from({ length: 40 }, (_, x) => rows(PLOT.left + x).length > 0);
    // On for 4 pixels (columns 0-3), off for 2 (4-5), on for 6-9, …
    expect(drawn.slice(0, 12)).to.deep.equal([
      true,
      true,
      true,
      true,
      false,
      false,
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
    expect(drawn.filter((d) => !d).length).to.equal(12);
  });

  it('starts the pattern again at each subpath', () => {
    const { rows } = draw([
      curve([0, 9, 10, 30], [10, 10, Number.NaN, 10], { dash: [4, 2] }),
      curve([20, 39], [12, 12], { dash: [4, 2] }),
    ]);
    expect(rows(PLOT.left + 20), 'a new curve starts on a dash').to.deep.equal([PLOT.top + 12]);
    expect(rows(PLOT.left + 4), 'the first curve is off at 4').to.deep.equal([]);
  });

  it('dashes a segment that runs far off the plot without walking it dash by dash', () => {
    const started = performance.now();
    // A zoomed y axis puts a diverged point billions of pixels away, or past what squares hold.
    const { rows, painted } = draw([
      curve([0, 10, 20, 30, 39], [10, 1e11, 10, -1e200, 10], { dash: [2, 3] }),
    ]);
    expect(performance.now() - started, 'ms').to.be.below(500);
    for (let x = 0; x < 60; x++)
      for (const y of rows(x)) expect(y >= PLOT.top && y < PLOT.top + PLOT.height, `row ${y}`).to.equal(true);
    expect(painted()).to.be.above(5);
  });

  it('draws a curve lying on the far edges of the plot on its last row and column', () => {
    const bottom = draw([curve([0, 39], [PLOT.height, PLOT.height])]);
    expect(bottom.rows(PLOT.left + 20)).to.deep.equal([PLOT.top + PLOT.height - 1]);
    const right = draw([curve([PLOT.width, PLOT.width], [2, 8])]);
    expect(right.rows(PLOT.left + PLOT.width - 1).length).to.equal(7);
    expect(right.rows(PLOT.left + PLOT.width), 'not past the plot').to.deep.equal([]);
    const outside = draw([curve([0, 39], [PLOT.height + 1, PLOT.height + 1])]);
    expect(outside.painted(), 'a pixel below the plot is not drawn').to.equal(0);
  });

  it('composites over what is drawn, at the curves opacity', () => {
    const { at } = draw([curve([0, 39], [10, 10], { alpha: 0.5 })], (ctx) => {
      ctx.fillStyle = '#0000ff';
      ctx.fillRect(0, 0, 60, 30);
    });
    const [r, g, b, a] = at(PLOT.left + 20, PLOT.top + 10);
    expect(a).to.equal(255);
    expect(r, 'half red').to.be.within(120, 135);
    expect(g).to.equal(0);
    expect(b, 'half the blue under it').to.be.within(120, 135);
    expect(at(PLOT.left + 20, PLOT.top + 12), 'untouched beside it').to.deep.equal([0, 0, 255, 255]);
  });

  it('draws later curves over earlier ones, in any CSS colour', () => {
    const { at } = draw([curve([0, 39], [10, 10]), curve([0, 39], [10, 10], { color: 'rgb(0 128 0)' })]);
    expect(at(PLOT.left + 20, PLOT.top + 10)).to.deep.equal([0, 128, 0, 255]);
  });
});
