/**
 * The chart's geometry for one commit: canvas size, plot rectangle, domains, scales and ticks.
 * Measures are in device pixels where the canvas uses them (`plot`) and in CSS pixels where the
 * DOM does (scales, ticks); `dpr` converts between them.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { PlotRect } from './paint.js';
import {
  autoDomain,
  type Domain,
  Extent,
  makeXScale,
  makeYScale,
  sameDomain,
  type Tick,
  withHeadroom,
  type XKind,
  type XScale,
  xTicks,
  type YScale,
  type YScaleFn,
  yTicks,
} from './scales.js';
import type { SeriesView } from './series-view.js';

/** Space around the plot for tick labels, in CSS pixels. */
export const MARGIN = { top: 24, right: 14, bottom: 24, minLeft: 28 } as const;

/** A y-axis label column as wide as most (`0.0123`, `1,500`), in CSS pixels. */
const TYPICAL_LEFT = 48;

/**
 * The plot's width in device pixels before there is a frame to measure (no data drawn yet): the
 * first overview is asked at this width, so a close guess spares asking again once the y labels
 * are laid out.
 */
export function plotWidthGuess(width: number, dpr: number): number {
  return Math.max(1, Math.round((width - TYPICAL_LEFT - MARGIN.right) * dpr));
}

/** Scales of the last full paint; a commit whose scales match may draw only the new tails. */
export interface Frame {
  plot: PlotRect;
  dpr: number;
  x: XScale;
  y: YScaleFn;
  xDomain: Domain;
  yDomain: Domain;
  xTicks: Tick[];
  yTicks: Tick[];
}

export interface LayoutInput {
  /** The plot area's size in CSS pixels. */
  size: { width: number; height: number };
  dpr: number;
  views: readonly SeriesView[];
  xAxis: XKind;
  yScale: YScale;
  /** Zoomed domains; undefined fits the data. */
  zoomX?: Domain;
  zoomY?: Domain;
  /** The last frame: its left margin is the first guess. */
  previous?: Frame;
  /** The tick labels' CSS font, for measuring them. */
  font: string;
}

/** Sizes the canvases to the plot area in device pixels (resizing clears them, so only on change). */
export function fitCanvases(
  canvases: Iterable<HTMLCanvasElement>,
  size: LayoutInput['size'],
  dpr: number,
): void {
  const width = Math.round(size.width * dpr);
  const height = Math.round(size.height * dpr);
  for (const c of canvases) {
    if (c.width !== width || c.height !== height) {
      c.width = width;
      c.height = height;
    }
  }
}

/**
 * Computes domains (zoom, else nice bounds around the data), reduces every view for the x domain
 * (cached per view) and builds the scales and ticks.
 */
export function layoutFrame(input: LayoutInput): Frame {
  const { size, dpr, views, xAxis, yScale, zoomX, zoomY, previous, font } = input;
  const width = Math.round(size.width * dpr);
  const top = Math.round(MARGIN.top * dpr);
  const plotHeight = Math.max(1, Math.round((size.height - MARGIN.top - MARGIN.bottom) * dpr));
  const xExtent = new Extent();
  for (const view of views) xExtent.addExtent(view.xExtent);
  const xCount = Math.max(2, Math.round(size.width / 90));
  const yCount = Math.max(2, Math.round(plotHeight / dpr / 45));
  // Running trials will log further right: leave room so the axis does not move on every append.
  const live = views.some((view) => view.trial.status === 'running');
  const xDomain = zoomX ?? autoDomain(live ? withHeadroom(xExtent) : xExtent, xAxis, xCount);
  // The plot width depends on the y labels, which depend on the y domain, which depends on the
  // reduction at the plot width: reduce at the last width, and again only if the labels moved it.
  let left = previous?.dpr === dpr ? previous.plot.left : estimateLeft(input, yCount);
  let plot: PlotRect = { left, top, width: 1, height: plotHeight };
  let y: YScaleFn | undefined;
  let yDomain: Domain = [0, 1];
  let yTickList: Tick[] = [];
  // The last x label is centred on its tick: leave room for its right half.
  // (Tick labels do not depend on the range, so a unit range finds them.)
  const lastLabel = xTicks(xAxis, makeXScale(xAxis, xDomain, [0, 1]), xCount).slice(-1);
  const right = Math.round(Math.max(MARGIN.right, labelWidth(lastLabel, font) / 2 + 4) * dpr);
  for (let attempt = 0; attempt < 2; attempt++) {
    plot = { left, top, width: Math.max(1, width - left - right), height: plotHeight };
    const yExtent = new Extent();
    for (const view of views) {
      view.reduce(xDomain, plot.width);
      yExtent.addExtent(view.visible);
    }
    yDomain = zoomY ?? autoDomain(yExtent, yScale, yCount);
    y = makeYScale(yScale, yDomain, [plotHeight / dpr, 0]);
    yTickList = yTicks(y, yCount);
    const needed = leftFor(yTickList, dpr, font);
    if (Math.abs(needed - left) <= dpr) break;
    left = needed;
  }
  const x = makeXScale(xAxis, xDomain, [0, plot.width / dpr]);
  return { plot, dpr, x, y: y!, xDomain, yDomain, xTicks: xTicks(xAxis, x, xCount), yTicks: yTickList };
}

/** Whether two frames draw the same picture: same plot rectangle and domains. */
export function sameFrame(a: Frame, b: Frame): boolean {
  return (
    a.dpr === b.dpr &&
    a.plot.left === b.plot.left &&
    a.plot.top === b.plot.top &&
    a.plot.width === b.plot.width &&
    a.plot.height === b.plot.height &&
    sameDomain(a.xDomain, b.xDomain) &&
    sameDomain(a.yDomain, b.yDomain)
  );
}

/** Maps a value to device pixels from the canvas' top. */
export function toDeviceY(frame: Frame): (value: number) => number {
  const { y, plot, dpr } = frame;
  return (value) => plot.top + y(value) * dpr;
}

/** The tick labels and the metric's name, positioned over the canvas (CSS pixels). */
export function axisLabels(
  frame: Frame | undefined,
  metric: string | undefined,
): TemplateResult | typeof nothing {
  if (!frame) return nothing;
  const left = frame.plot.left / frame.dpr;
  const top = frame.plot.top / frame.dpr;
  const bottom = top + frame.plot.height / frame.dpr;
  return html`
    <div part="axis-title" class="axis-title" aria-hidden="true" style="left:${left}px">${metric}</div>
    <div part="axis axis-y" class="axis y" aria-hidden="true">
      ${frame.yTicks.map(
        (t) =>
          html`<span part="tick" class="tick" style="left:${left}px;top:${top + t.position}px">${t.label}</span>`,
      )}
    </div>
    <div part="axis axis-x" class="axis x" aria-hidden="true">
      ${frame.xTicks.map(
        (t) =>
          html`<span part="tick" class="tick" style="left:${left + t.position}px;top:${bottom + 6}px">${t.label}</span>`,
      )}
    </div>
  `;
}

/** The left margin from the raw values' extent: on a first paint it spares a second reduction. */
function estimateLeft(input: LayoutInput, yCount: number): number {
  const { views, yScale, zoomY, dpr, font } = input;
  const extent = new Extent();
  for (const view of views) {
    const { min, max } = view.series;
    if (Number.isFinite(min) && (yScale === 'linear' || min > 0)) extent.add(min);
    if (Number.isFinite(max) && (yScale === 'linear' || max > 0)) extent.add(max);
  }
  const domain = zoomY ?? autoDomain(extent, yScale, yCount);
  const labels = yTicks(makeYScale(yScale, domain, [100, 0]), yCount);
  return leftFor(labels, dpr, font);
}

function leftFor(ticks: readonly Tick[], dpr: number, font: string): number {
  return Math.round(Math.max(MARGIN.minLeft, Math.ceil(labelWidth(ticks, font) + 10)) * dpr);
}

let measurer: CanvasRenderingContext2D | undefined;

function labelWidth(ticks: readonly Tick[], font: string): number {
  measurer ??= document.createElement('canvas').getContext('2d')!;
  measurer.font = font;
  let widest = 0;
  for (const t of ticks) widest = Math.max(widest, measurer.measureText(t.label).width);
  return widest;
}
