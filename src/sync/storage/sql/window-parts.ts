/**
 * What the window readers by step (`step-window.ts`) and by time (`time-window.ts`) share: the
 * series a request names, with its header and tail, its caches, and the parts of the answer.
 */
import {
  M4Accumulator,
  type M4Points,
  type SeriesWindow,
  type SeriesWindowPart,
  type SeriesWindowQuery,
} from '../../../protocol/index.js';
import type { ColumnarPoints } from '../../model.js';
import type { ChunkCache } from './chunk-cache.js';
import type { SummaryRowCache } from './summary-cache.js';
import { KEPT } from './summary-row-codec.js';

/** What a window read may reuse from earlier ones. */
export interface WindowCaches {
  rows?: SummaryRowCache;
  chunks?: ChunkCache;
}

export interface WindowSeries {
  trialId: string;
  /** The trial's start, for relative time (undefined: the series' first timestamp). */
  startedAt: number | undefined;
  /** The whole-series bucket, tail included; undefined when the trial has no such series. */
  header: Float64Array | undefined;
  /** The stored whole-series bucket (without the tail): what cached rows are checked against. */
  stored: Float64Array | undefined;
  /** Points `[0, summarized)` are in the chunks and summaries; the tail holds the rest. */
  summarized: number;
  tail: ColumnarPoints;
}

export type Resolved = Pick<SeriesWindow, 'from' | 'to' | 'series'>;

export function part(trialId: string, points: M4Points): SeriesWindowPart {
  const { steps, values, timestamps, raw } = points;
  return { trialId, exact: true, raw, steps, values, timestamps };
}

export const emptyPart = (trialId: string): SeriesWindowPart => part(trialId, new M4Accumulator(1).result());

/** A range that holds no point (a default bound beyond the given one, or no points at all). */
export function emptyWindow(query: SeriesWindowQuery, series: WindowSeries[]): Resolved {
  return {
    from: query.from ?? 0,
    to: query.to ?? query.from ?? 0,
    series: series.map((s) => emptyPart(s.trialId)),
  };
}

/** Bytes of one raw point (step, value, timestamp). */
export const POINT_BYTES = 24;

/** A header's first point's time (the first kept point: x, step, value, timestamp, …). */
export const firstTime = (header: Float64Array) => header[KEPT + 3];

/** A header's lowest and highest step: its first and last kept points' steps (each point: x, step, …). */
export const firstStep = (header: Float64Array) => header[KEPT + 1];
export const lastStep = (header: Float64Array) => header[KEPT + 5 + 1];
