/**
 * The chart's helpers that its on-demand parts (the tooltip, grouped curves, the SVG export) draw
 * with, handed to them rather than imported by them: a module that both the chart and an on-demand
 * part import goes into a chunk of its own, one more request with its own gzip overhead for every
 * page that connects (measured: 1.0 KB gzip for these). As the dashboard's `compare-kit.ts`.
 */
import { MARGIN, toDeviceY } from './layout.js';
import { lineSwatch, swatch } from './legend.js';
import { clearCanvas, clipToPlot, drawGrid, isSparse } from './paint.js';
import { formatX } from './scales.js';

export const chartKit = {
  MARGIN,
  toDeviceY,
  swatch,
  lineSwatch,
  clearCanvas,
  clipToPlot,
  drawGrid,
  isSparse,
  formatX,
};

export type ChartKit = typeof chartKit;
