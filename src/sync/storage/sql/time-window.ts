/**
 * Windows by wall-clock or relative time. Buckets are cut in steps, so a time column's bounds fall
 * anywhere inside them: series are read raw and reduced exactly, smallest first, while they fit
 * in {@link TIME_WINDOW_RAW_BYTES}; the others from a row of coarse buckets that says which steps
 * the range covers, then buckets at most a column wide placed by their kept points' times (not
 * exact, within a column; see `summarisedTimeParts`), or raw through the coarse buckets' index
 * spans when that reads less.
 */
import {
  columnOf,
  M4_KEPT_FIELDS,
  M4Accumulator,
  m4Columns,
  type SeriesWindowPart,
  type SeriesWindowQuery,
} from '../../../protocol/index.js';
import type { ColumnarPoints } from '../../model.js';
import type { Queryable } from './driver.js';
import { type IndexRanges, readRawPoints } from './raw-points.js';
import { BUCKETS_PER_ROW, bucketOf, COARSEST_LEVEL, SUMMARY_LEVELS } from './summaries.js';
import { KEPT } from './summary-row-codec.js';
import {
  eachBucket,
  entry,
  ROW_BYTES,
  RowRanges,
  type RowsByLevel,
  readEachSeriesRows,
} from './summary-rows.js';
import {
  emptyPart,
  emptyWindow,
  firstStep,
  firstTime,
  lastStep,
  POINT_BYTES,
  part,
  type Resolved,
  type WindowCaches,
  type WindowSeries,
} from './window-parts.js';

/**
 * Raw points a time window reads at most by default, in bytes (~350,000 points): series read
 * whole and reduced exactly, smallest first, until this is spent; the others come from their summaries.
 */
export const TIME_WINDOW_RAW_BYTES = 8 * 1024 * 1024;
/** A time window's first look at a summarised series reads at most this many buckets of it (a row or two). */
const OUTLINE_BUCKETS = BUCKETS_PER_ROW;

export async function timeWindow(
  db: Queryable,
  query: SeriesWindowQuery,
  series: WindowSeries[],
  caches: WindowCaches,
  rawBytes: number,
  signal?: AbortSignal,
): Promise<Resolved> {
  const stored = series.filter((s) => s.header);
  const [raw, summarised] = splitByRawBudget(stored, rawBytes);
  const exact = await rawTimePoints(db, query, raw, caches, signal);
  const outlines = await timeOutlines(db, query, summarised, caches, signal);
  let from = query.from ?? Number.POSITIVE_INFINITY;
  let to = query.to ?? Number.NEGATIVE_INFINITY;
  const widen = (lo: number, hi: number) => {
    if (query.from === undefined) from = Math.min(from, lo);
    if (query.to === undefined) to = Math.max(to, hi);
  };
  for (const { p, offset } of exact.values()) for (const t of p.timestamps) widen(t - offset, t - offset);
  for (const o of outlines.values()) if (o.times.min <= o.times.max) widen(o.times.min, o.times.max);
  if (!(from <= to)) return emptyWindow(query, series);
  const parts = await summarisedTimeParts(db, query, from, to, outlines, caches, signal);
  return {
    from,
    to,
    series: series.map((s) => {
      const own = exact.get(s.trialId);
      if (own) return part(s.trialId, m4Columns(own.p, query.x, from, to, query.columns, own.offset));
      return parts.get(s.trialId) ?? emptyPart(s.trialId);
    }),
  };
}

/** Series whose every point fits in `budget` bytes (smallest first), and the rest. */
function splitByRawBudget(stored: WindowSeries[], budget: number): [WindowSeries[], WindowSeries[]] {
  const raw: WindowSeries[] = [];
  const summarised: WindowSeries[] = [];
  let left = budget;
  for (const s of [...stored].sort((a, b) => pointCount(a) - pointCount(b))) {
    const bytes = pointCount(s) * POINT_BYTES;
    if (bytes <= left) {
      left -= bytes;
      raw.push(s);
    } else summarised.push(s);
  }
  return [raw, summarised];
}

const pointCount = (s: WindowSeries) => (s.header as Float64Array)[0];

/** Every point of each series (whole chunks, the cache's where it holds them, then the tail), with its x offset. */
async function rawTimePoints(
  db: Queryable,
  query: SeriesWindowQuery,
  series: WindowSeries[],
  { chunks: cache }: WindowCaches,
  signal?: AbortSignal,
): Promise<Map<string, { p: ColumnarPoints; offset: number }>> {
  // A flush since the header was read may have moved tail points to a chunk: the tail as read wins.
  const ranges: IndexRanges = new Map();
  const columns = new Map<string, ColumnarPoints>();
  for (const s of series) {
    if (s.summarized > 0) ranges.set(s.trialId, [[0, s.summarized - 1]]);
    const n = s.summarized + s.tail.steps.length;
    const p = { steps: new Float64Array(n), values: new Float64Array(n), timestamps: new Float64Array(n) };
    p.steps.set(s.tail.steps, s.summarized);
    p.values.set(s.tail.values, s.summarized);
    p.timestamps.set(s.tail.timestamps, s.summarized);
    columns.set(s.trialId, p);
  }
  await readRawPoints(
    db,
    query.key,
    ranges,
    (trialId, index, step, value, timestamp) => {
      const p = columns.get(trialId) as ColumnarPoints;
      p.steps[index] = step;
      p.values[index] = value;
      p.timestamps[index] = timestamp;
    },
    cache,
    signal,
  );
  return new Map(
    series.map((s) => {
      const p = columns.get(s.trialId) as ColumnarPoints;
      // Without a start, its first point by step (as the outlines and the chart count): not the first appended.
      const offset =
        query.x === 'relative' ? (s.startedAt ?? (s.header ? firstTime(s.header) : p.timestamps[0])) : 0;
      return [s.trialId, { p, offset }];
    }),
  );
}

/** A summarised series' first look: coarse buckets over all its steps, and the x span they show. */
interface TimeOutline {
  series: WindowSeries;
  level: number;
  rows: RowsByLevel | undefined;
  /** Lowest and highest bucket of `level` the series' steps reach. */
  lo: number;
  hi: number;
  /** x offset: the trial's start for relative time (else its first point's time). */
  offset: number;
  /** The lowest and highest x of its kept points and tail. */
  times: Extent;
}

interface Extent {
  min: number;
  max: number;
}

/**
 * The coarse buckets of each summarised series (at most two rows each): their kept points' times
 * say which steps a time range covers, assuming, as loggers write them, that time grows with the
 * step (where it does not, a range may miss points of buckets whose kept points fall outside it).
 */
async function timeOutlines(
  db: Queryable,
  query: SeriesWindowQuery,
  series: WindowSeries[],
  { rows: cache }: WindowCaches,
  signal?: AbortSignal,
): Promise<Map<string, TimeOutline>> {
  const plans = series.map((s) => {
    const header = s.header as Float64Array;
    const first = firstStep(header);
    const last = lastStep(header);
    const level =
      [...SUMMARY_LEVELS].reverse().find((l) => bucketOf(last, l) - bucketOf(first, l) < OUTLINE_BUCKETS) ??
      COARSEST_LEVEL;
    const ranges = new RowRanges();
    const lo = bucketOf(first, level);
    const hi = bucketOf(last, level);
    ranges.add(level, lo, hi);
    return { s, level, lo, hi, ranges };
  });
  const rows = await readEachSeriesRows(
    db,
    query.key,
    plans.map((p) => ({ series: p.s, ranges: p.ranges })),
    cache,
    signal,
  );
  signal?.throwIfAborted();
  return new Map(
    plans.map(({ s, level, lo, hi }) => {
      const own = rows.get(s.trialId);
      const times = { min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY };
      const seeTime = (t: number) => {
        if (t < times.min) times.min = t;
        if (t > times.max) times.max = t;
      };
      eachBucket(own?.get(level), lo, hi, (b, o) => eachKept(b, o + KEPT, (k) => seeTime(b[k + 3])));
      for (const t of s.tail.timestamps) seeTime(t);
      const offset = query.x === 'relative' ? (s.startedAt ?? firstTime(s.header as Float64Array)) : 0;
      const shifted = { min: times.min - offset, max: times.max - offset };
      return [s.trialId, { series: s, level, rows: own, lo, hi, offset, times: shifted }];
    }),
  );
}

/** Calls `visit(offset)` for each kept point of the bucket whose kept points start at `base`. */
function eachKept(buckets: Float64Array, base: number, visit: (offset: number) => void): void {
  for (let k = base; k < base + M4_KEPT_FIELDS; k += KEPT_POINT_FIELDS)
    if (!Number.isNaN(buckets[k + 4])) visit(k);
}

/** Fields of one kept point: x, step, value, timestamp, index. */
const KEPT_POINT_FIELDS = 5;

/**
 * The summarised series' parts over `[from, to]`: per series, the kept points of buckets at most
 * a column wide (in steps, at the series' mean pace within the range), each placed by its own
 * time. Every point drawn is a real one and every bucket's extremes land in their column; a bucket
 * across a column bound may hide a point extreme on one side only, within a column of it — so
 * these parts are not `exact` (the step axis' overviews are columns of whole buckets, one to two
 * pixels wide, for the same reason). A range whose points weigh less than those buckets' rows is
 * read raw instead, and is exact.
 */
async function summarisedTimeParts(
  db: Queryable,
  query: SeriesWindowQuery,
  from: number,
  to: number,
  outlines: Map<string, TimeOutline>,
  { rows: cache, chunks }: WindowCaches,
  signal?: AbortSignal,
): Promise<Map<string, SeriesWindowPart>> {
  const { columns } = query;
  const fine: { outline: TimeOutline; level: number; lo: number; hi: number }[] = [];
  const rawRanges: IndexRanges = new Map();
  for (const outline of outlines.values()) {
    const { level, lo, hi, rows, offset } = outline;
    // The outline's buckets whose kept points' times meet the range, and their points.
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    let points = 0;
    const spans: [number, number][] = [];
    const shown = { min: to, max: from };
    const met = { min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY };
    eachBucket(rows?.get(level), lo, hi, (b, o) => {
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      eachKept(b, o + KEPT, (k) => {
        min = Math.min(min, b[k + 3] - offset);
        max = Math.max(max, b[k + 3] - offset);
      });
      if (max < from || min > to) return;
      met.min = Math.min(met.min, min);
      met.max = Math.max(met.max, max);
      const bucket = bucketOf(b[o + KEPT + 1], level);
      first = Math.min(first, bucket);
      last = Math.max(last, bucket);
      points += b[o];
      spans.push([b[o + 1], b[o + 2]]);
      shown.min = Math.min(shown.min, Math.max(min, from));
      shown.max = Math.max(shown.max, Math.min(max, to));
    });
    if (first > last) continue;
    const steps = (last - first + 1) * 2 ** level;
    // The steps within the range, at the pace of the buckets met: a range narrower than one of them
    // holds only its share of their steps (a zoom of a few steps inside a bucket of thousands).
    const within = met.max > met.min ? (steps * (shown.max - shown.min)) / (met.max - met.min) : steps;
    // The columns the series' times reach: a trial that ran for a tenth of the range fills a tenth
    // of them. Raw when even the finest buckets are wider than one of those columns (fewer than 16
    // steps a column) or when the points weigh less than the buckets' rows.
    const reached = Math.min(columns, 1 + Math.ceil(((shown.max - shown.min) / (to - from || 1)) * columns));
    const finer = SUMMARY_LEVELS.find((l) => 2 ** l <= within / reached);
    const rowBytes = finer === undefined ? 0 : (steps / 2 ** finer / BUCKETS_PER_ROW + 1) * ROW_BYTES;
    if (finer === undefined || points * POINT_BYTES <= rowBytes) rawRanges.set(outline.series.trialId, spans);
    else if (finer >= level) fine.push({ outline, level, lo: first, hi: last });
    else {
      const per = 2 ** (level - finer);
      fine.push({ outline, level: finer, lo: first * per, hi: (last + 1) * per - 1 });
    }
  }
  const needed = fine.filter((f) => f.level !== f.outline.level);
  const rows = await readEachSeriesRows(
    db,
    query.key,
    needed.map((f) => {
      const ranges = new RowRanges();
      ranges.add(f.level, f.lo, f.hi);
      return { series: f.outline.series, ranges };
    }),
    cache,
    signal,
  );
  signal?.throwIfAborted();

  const accumulators = new Map<string, M4Accumulator>();
  // Each point placed is tallied: for a part read raw, `raw` then says whether nothing was reduced away.
  const offer = (trialId: string, offset: number, step: number, value: number, t: number, index: number) => {
    const x = t - offset;
    const column = columnOf(x, from, to, columns);
    if (column < 0) return;
    const acc = entry(accumulators, trialId, () => new M4Accumulator(columns));
    acc.offer(column, x, step, value, t, index);
    acc.tally(1);
  };
  for (const { outline, level, lo, hi } of fine) {
    const { trialId } = outline.series;
    const levels = level === outline.level ? outline.rows : rows.get(trialId);
    eachBucket(levels?.get(level), lo, hi, (b, o) =>
      eachKept(b, o + KEPT, (k) => offer(trialId, outline.offset, b[k + 1], b[k + 2], b[k + 3], b[k + 4])),
    );
  }
  // Ranges read raw: every point in them, exact (a bucket's index span may hold others': kept only in range).
  const rawIds = new Set(rawRanges.keys());
  await readRawPoints(
    db,
    query.key,
    rawRanges,
    (trialId, index, step, value, t) => {
      const outline = outlines.get(trialId) as TimeOutline;
      if (index >= outline.series.summarized) return;
      offer(trialId, outline.offset, step, value, t, index);
    },
    chunks,
    signal,
  );
  // The tails: points in no bucket yet, each placed by its time.
  for (const { series: s, offset } of outlines.values()) {
    const { steps, values, timestamps } = s.tail;
    for (let i = 0; i < steps.length; i++) {
      offer(s.trialId, offset, steps[i], values[i], timestamps[i], s.summarized + i);
    }
  }
  const out = new Map<string, SeriesWindowPart>();
  for (const [trialId, acc] of accumulators) {
    const own = part(trialId, acc.result());
    out.set(trialId, rawIds.has(trialId) ? own : { ...own, exact: false, raw: false });
  }
  // Buckets met whose kept points all fall outside the range: nothing placed, and not known to be nothing.
  for (const { outline } of fine) {
    const { trialId } = outline.series;
    if (!out.has(trialId)) out.set(trialId, { ...emptyPart(trialId), exact: false, raw: false });
  }
  return out;
}
