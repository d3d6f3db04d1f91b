/**
 * The chart's exports (CSV, SVG, PNG) from what it has drawn, in one module loaded on first use:
 * most pages never export, and the chart's own code comes with the page's live connection.
 */
import type { ChartKit } from './chart-kit.js';
import { chartCsv } from './export-csv.js';
import { ChartExportError } from './export-error.js';
import { svgToPng } from './export-png.js';
import { chartSvg } from './export-svg.js';
import type { Frame } from './layout.js';
import type { CanvasColors } from './paint.js';
import type { SeriesView } from './series-view.js';

/** What the chart shows: its last frame (undefined before the first paint) and its curves. */
export interface ChartShown {
  readonly frame: Frame | undefined;
  readonly colors: CanvasColors | undefined;
  readonly views: readonly SeriesView[];
  readonly metric: string | undefined;
  /** The metric used as x, when another metric is the x axis. */
  readonly xMetric: string | undefined;
  readonly canvas: HTMLCanvasElement | null;
  /** Why smoothing is asked for and not drawn (its code could not be loaded), if it is so. */
  readonly smoothingLost: string | undefined;
  /** The page's chart code the SVG reuses (passed in, so this chunk does not split the chart's). */
  readonly kit: ChartKit;
}

export function shownCsv(shown: ChartShown): string {
  // Without the column asked for, a file would pass for the smoothed one.
  if (shown.smoothingLost)
    throw new ChartExportError(`${shown.smoothingLost}; the CSV would lack the smoothed values.`);
  return chartCsv(shown.views, shown.frame?.xDomain, shown.xMetric);
}

export function shownSvg({ frame, colors, views, metric, canvas, kit }: ChartShown): string {
  if (!frame || !colors || !canvas) throw new ChartExportError('The chart has nothing drawn to export.');
  const scene = {
    frame,
    colors,
    views,
    metric,
    width: canvas.width / frame.dpr,
    height: canvas.height / frame.dpr,
  };
  return chartSvg(scene, kit);
}

export async function shownPng(shown: ChartShown): Promise<Blob> {
  const png = await svgToPng(shownSvg(shown), shown.frame?.dpr ?? 1);
  if (!png) throw new ChartExportError('The browser could not encode the PNG.');
  return png;
}
