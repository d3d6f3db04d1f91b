/**
 * Window queries: the exact M4 points of many trials' series in a few statements per request,
 * not one per trial (one each for the series, the coarse buckets, the buckets the columns need,
 * and the raw points of the column edges — each cut in several when it would read many MB, so
 * other work runs in between: see `raw-points.ts`).
 *
 * Cost, x = 'step': each column's integer step range splits into whole buckets at the coarsest
 * levels that fit, plus edges narrower than the finest bucket (16 steps), whose raw points are
 * read by append-index range (for a series appended in step order, exactly the edge's points).
 * A request whose column bounds fall on a multiple of 16 (from a multiple of 16, column width a
 * multiple of 16) reads no raw point at all. Per series, the raw points of the whole range are
 * read instead when that reads fewer bytes (few points per column, judged from the series'
 * header): located by the index spans of a row or two of buckets (for a series appended out of
 * step order, those spans may hold more).
 * x = 'time' and 'relative': buckets are cut in steps, so a time column's bounds fall anywhere in
 * them. Series are read raw and reduced exactly, smallest first, while they fit in
 * {@link TIME_WINDOW_RAW_BYTES}; the others from a row of coarse buckets that says which steps the
 * range covers, then buckets at most a column wide placed by their kept points' times (not exact,
 * within a column; see `summarisedTimeParts`).
 *
 * A series' newest points, its tail (see `series.ts`), are in no bucket yet: they come with the
 * series' header, in the same statement, and are offered one by one.
 *
 * Statements run outside a transaction, so writes never wait for a window. Points are only
 * appended and raw reads go by the index ranges of the buckets read, so a window is consistent
 * with the buckets as they were read even while appends go on. (A tail flushed meanwhile may reach
 * the window twice, from the buckets and from the tail as read: the same points, kept once.)
 */
import {
  columnOf,
  columnStart,
  M4_KEPT_FIELDS,
  M4Accumulator,
  type M4Points,
  m4Columns,
  parseSeriesWindowQuery,
  type SeriesWindow,
  type SeriesWindowPart,
  type SeriesWindowQuery,
  SeriesWindowQueryError,
} from '../../../protocol/index.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import type { ColumnarPoints } from '../../model.js';
import type { ChunkCache } from './chunk-cache.js';
import type { Queryable } from './driver.js';
import { type IndexRanges, readRawPoints } from './raw-points.js';
import { NO_POINTS, type SeriesTail, TAIL_COLUMNS, tailPoints } from './series-tail.js';
import {
  BUCKETS_PER_ROW,
  bucketOf,
  decodeRow,
  FINEST_LEVEL,
  KEPT,
  SERIES_LEVEL,
  SUMMARY_LEVELS,
  withTail,
} from './summaries.js';
import type { SummaryRowCache } from './summary-cache.js';
import {
  eachBucket,
  entry,
  ROW_BYTES,
  RowRanges,
  type RowsByTrial,
  readEachSeriesRows,
  readRows,
} from './summary-rows.js';

/** What a window read may reuse from earlier ones. */
export interface WindowCaches {
  rows?: SummaryRowCache;
  chunks?: ChunkCache;
}

const COARSEST_LEVEL = SUMMARY_LEVELS[0];

interface WindowSeries {
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

/** Answers a window request (checked here: a bad one throws a {@link ValidationError} naming the field). */
export async function readSeriesWindow(
  db: Queryable,
  input: SeriesWindowQuery,
  signal?: AbortSignal,
  caches: WindowCaches = {},
  timeRawBytes = TIME_WINDOW_RAW_BYTES,
): Promise<SeriesWindow> {
  const query = checked(input);
  const series = await requestedSeries(db, query);
  signal?.throwIfAborted();
  const window =
    query.x === 'step'
      ? await stepWindow(db, query, series, signal, caches)
      : await timeWindow(db, query, series, caches, timeRawBytes, signal);
  return { key: query.key, x: query.x, columns: query.columns, ...window };
}

function checked(input: SeriesWindowQuery): SeriesWindowQuery {
  try {
    return parseSeriesWindowQuery(input);
  } catch (err) {
    if (err instanceof SeriesWindowQueryError) throw new ValidationError(err.message, err.field);
    throw err;
  }
}

/** The requested trials in request order, with their start and header; checks they are the study's. */
async function requestedSeries(db: Queryable, query: SeriesWindowQuery): Promise<WindowSeries[]> {
  // Header and tail in one statement: one consistent view of each series.
  const { rows } = await db.query<
    Partial<SeriesTail> & { id: string; started_at: number | null; buckets: Uint8Array | null }
  >(
    `SELECT t.id, (t.data->>'startedAt')::float8 AS started_at, s.buckets, ${TAIL_COLUMNS} FROM trial t
     LEFT JOIN metric_series m ON m.trial_id = t.id AND m.key = $2
     LEFT JOIN series_summary s ON s.trial_id = t.id AND s.key = $2 AND s.level = $3 AND s.block = 0
     WHERE t.study_id = $1 ORDER BY t.number, t.id`,
    [query.studyId, query.key, SERIES_LEVEL],
  );
  if (
    rows.length === 0 &&
    (await db.query('SELECT 1 FROM study WHERE id = $1', [query.studyId])).rows.length === 0
  )
    throw new NotFoundError('study', query.studyId);
  const byId = new Map(
    rows.map((r): [string, WindowSeries] => {
      const stored = r.buckets ? decodeRow(r.buckets, 1) : undefined;
      const summarized = r.summarized ?? 0;
      const tail = r.points === undefined || r.points === null ? NO_POINTS : tailPoints(r as SeriesTail);
      return [
        r.id,
        {
          trialId: r.id,
          startedAt: r.started_at ?? undefined,
          header: withTail(stored, tail, summarized),
          stored,
          summarized,
          tail,
        },
      ];
    }),
  );
  const ids = query.trialIds ?? rows.map((r) => r.id);
  const series = [...new Set(ids)].map((id) => {
    const s = byId.get(id);
    if (!s) {
      const field = `trialIds.${ids.indexOf(id)}`;
      throw new ValidationError(
        `invalid series window at ${field}: trial ${JSON.stringify(id)} is not in study ${JSON.stringify(query.studyId)}`,
        field,
      );
    }
    return s;
  });
  if (series.length > 0 && series.every((s) => !s.header))
    throw new ValidationError(
      `invalid series window at key: no requested trial has a series ${JSON.stringify(query.key)}`,
      'key',
    );
  return series;
}

type Resolved = Pick<SeriesWindow, 'from' | 'to' | 'series'>;

function part(trialId: string, points: M4Points): SeriesWindowPart {
  const { steps, values, timestamps, raw } = points;
  return { trialId, exact: true, raw, steps, values, timestamps };
}

const emptyPart = (trialId: string): SeriesWindowPart => part(trialId, new M4Accumulator(1).result());

// ---- x = 'time' and 'relative' -----------------------------------------------------------------

/**
 * Raw points a time window reads at most by default, in bytes (~350,000 points): series read
 * whole and reduced exactly, smallest first, until this is spent; the others come from their summaries.
 */
export const TIME_WINDOW_RAW_BYTES = 8 * 1024 * 1024;
/** A time window's first look at a summarised series reads at most this many buckets of it (a row or two). */
const OUTLINE_BUCKETS = BUCKETS_PER_ROW;

async function timeWindow(
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
      const offset = query.x === 'relative' ? (s.startedAt ?? p.timestamps[0]) : 0;
      return [s.trialId, { p, offset }];
    }),
  );
}

/** A summarised series' first look: coarse buckets over all its steps, and the x span they show. */
interface TimeOutline {
  series: WindowSeries;
  level: number;
  rows: RowsByTrial extends Map<string, infer V> ? V | undefined : never;
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
    eachBucket(rows?.get(level), lo, hi, (b, o) => {
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      eachKept(b, o + KEPT, (k) => {
        min = Math.min(min, b[k + 3] - offset);
        max = Math.max(max, b[k + 3] - offset);
      });
      if (max < from || min > to) return;
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
    // The columns the series' times reach: a trial that ran for a tenth of the range fills a tenth
    // of them. Raw when even the finest buckets are wider than one of those columns (fewer than 16
    // steps a column) or when the points weigh less than the buckets' rows.
    const reached = Math.min(columns, 1 + Math.ceil(((shown.max - shown.min) / (to - from || 1)) * columns));
    const finer = SUMMARY_LEVELS.find((l) => 2 ** l <= steps / reached);
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
  const offer = (trialId: string, offset: number, step: number, value: number, t: number, index: number) => {
    const x = t - offset;
    const column = columnOf(x, from, to, columns);
    if (column < 0) return;
    entry(accumulators, trialId, () => new M4Accumulator(columns)).offer(column, x, step, value, t, index);
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
  const rawTally = new Map<string, number>();
  await readRawPoints(
    db,
    query.key,
    rawRanges,
    (trialId, index, step, value, t) => {
      const outline = outlines.get(trialId) as TimeOutline;
      if (index >= outline.series.summarized) return;
      const x = t - outline.offset;
      if (columnOf(x, from, to, columns) < 0) return;
      offer(trialId, outline.offset, step, value, t, index);
      rawTally.set(trialId, (rawTally.get(trialId) ?? 0) + 1);
    },
    chunks,
    signal,
  );
  // The tails: points in no bucket yet, each placed by its time.
  for (const { series: s, offset } of outlines.values()) {
    const { steps, values, timestamps } = s.tail;
    for (let i = 0; i < steps.length; i++) {
      offer(s.trialId, offset, steps[i], values[i], timestamps[i], s.summarized + i);
      if (columnOf(timestamps[i] - offset, from, to, columns) >= 0 && rawIds.has(s.trialId))
        rawTally.set(s.trialId, (rawTally.get(s.trialId) ?? 0) + 1);
    }
  }
  const out = new Map<string, SeriesWindowPart>();
  for (const [trialId, acc] of accumulators) {
    if (rawIds.has(trialId)) {
      acc.tally(rawTally.get(trialId) ?? 0);
      out.set(trialId, part(trialId, acc.result()));
    } else out.set(trialId, { ...part(trialId, acc.result()), exact: false, raw: false });
  }
  return out;
}

/** A range that holds no point (a default bound beyond the given one, or no points at all). */
function emptyWindow(query: SeriesWindowQuery, series: WindowSeries[]): Resolved {
  return {
    from: query.from ?? 0,
    to: query.to ?? query.from ?? 0,
    series: series.map((s) => emptyPart(s.trialId)),
  };
}

// ---- x = 'step': from the buckets, raw points only at column edges -----------------------------

/** A run of whole buckets `[lo, hi]` of one level inside one column. */
interface Piece {
  column: number;
  level: number;
  lo: number;
  hi: number;
}

/** How the columns over `[from, to]` split into whole buckets and finest-level edge buckets. */
interface StepPlan {
  pieces: Piece[];
  /** Finest-level buckets that straddle a column bound or the window's ends, ascending. */
  edges: number[];
}

/** Splits every column's integer step range into whole buckets and edge buckets. */
export function planStepColumns(from: number, to: number, columns: number): StepPlan {
  const pieces: Piece[] = [];
  const edges: number[] = [];
  const edge = (step: number) => {
    const b = bucketOf(step, FINEST_LEVEL);
    if (edges[edges.length - 1] !== b) edges.push(b);
  };
  const fine = 2 ** FINEST_LEVEL;
  const lastStep = Math.floor(to);
  for (let j = 0; j < columns; j++) {
    const a = Math.max(Math.ceil(columnStart(j, from, to, columns)), Math.ceil(from));
    const b =
      j === columns - 1 ? lastStep : Math.min(Math.ceil(columnStart(j + 1, from, to, columns)) - 1, lastStep);
    if (a > b) continue;
    const alignedFrom = Math.ceil(a / fine) * fine;
    const alignedTo = Math.floor((b + 1) / fine) * fine - 1;
    if (alignedFrom > alignedTo) {
      edge(a);
      edge(b);
      continue;
    }
    if (a < alignedFrom) edge(a);
    coverAligned(j, alignedFrom, alignedTo, pieces);
    if (b > alignedTo) edge(b);
  }
  return { pieces, edges };
}

/** Covers steps `[a, b]` (both on the finest grid) with the fewest whole buckets, greedily. */
function coverAligned(column: number, a: number, b: number, pieces: Piece[]): void {
  let p = a;
  while (p <= b) {
    const level = SUMMARY_LEVELS.find((l) => p % 2 ** l === 0 && p + 2 ** l - 1 <= b) as number;
    const width = 2 ** level;
    const n = level === COARSEST_LEVEL ? Math.floor((b - p + 1) / width) : 1;
    pieces.push({ column, level, lo: p / width, hi: p / width + n - 1 });
    p += n * width;
  }
}

/** Bytes of one raw point (step, value, timestamp). */
const POINT_BYTES = 24;

/**
 * The buckets whose index spans locate the raw points of steps `[from, to]`: of the widest level
 * at most an eighth of the range (at least the finest), so they are a row or two and add at most
 * a quarter of the range's points (for a series appended in step order).
 */
function rawSpans(from: number, to: number): { level: number; lo: number; hi: number; ranges: RowRanges } {
  const level = SUMMARY_LEVELS.find((l) => 2 ** l <= (to - from) / 8) ?? FINEST_LEVEL;
  const lo = bucketOf(Math.ceil(from), level);
  const hi = bucketOf(Math.floor(to), level);
  const ranges = new RowRanges();
  ranges.add(level, lo, hi);
  return { level, lo, hi, ranges };
}

/** A header's first point's time (the first kept point: x, step, value, timestamp, …). */
const firstTime = (header: Float64Array) => header[KEPT + 3];

/** A header's lowest and highest step: its first and last kept points' steps (each point: x, step, …). */
const firstStep = (header: Float64Array) => header[KEPT + 1];
const lastStep = (header: Float64Array) => header[KEPT + 5 + 1];

/** About how many of a series' points lie in steps `[from, to]`, from its header (points spread evenly). */
function pointsWithin(header: Float64Array, from: number, to: number): number {
  const count = header[0];
  const first = firstStep(header);
  const last = lastStep(header);
  const overlap = Math.min(to, last) - Math.max(from, first);
  if (overlap < 0) return 0;
  return last > first ? (count * overlap) / (last - first) : count;
}

function addRange(ranges: IndexRanges, trialId: string, buckets: Float64Array, o: number): void {
  entry(ranges, trialId, () => []).push([buckets[o + 1], buckets[o + 2]]);
}

async function stepWindow(
  db: Queryable,
  query: SeriesWindowQuery,
  series: WindowSeries[],
  signal?: AbortSignal,
  { rows: cache, chunks }: WindowCaches = {},
): Promise<Resolved> {
  const stored = series.filter((s) => s.header);
  const from = query.from ?? Math.min(...stored.map((s) => firstStep(s.header as Float64Array)));
  const to = query.to ?? Math.max(...stored.map((s) => lastStep(s.header as Float64Array)));
  if (!(from <= to) || stored.length === 0) return emptyWindow(query, series);
  const { columns } = query;
  const ids = stored.map((s) => s.trialId);

  // Per trial, whichever reads fewer bytes: the buckets the columns need (with raw points at
  // edges inside a finest bucket), or every raw point in the range (with the rows that say where).
  const plan = planStepColumns(from, to, columns);
  const fine = new RowRanges();
  for (const p of plan.pieces) fine.add(p.level, p.lo, p.hi);
  for (const e of plan.edges) fine.add(FINEST_LEVEL, e, e);
  const spans = rawSpans(from, to);
  const summaryBytes = fine.count() * ROW_BYTES + plan.edges.length * 2 ** FINEST_LEVEL * POINT_BYTES;
  const rawBytes = spans.ranges.count() * ROW_BYTES;
  const summarised: string[] = [];
  const rawIds = new Set<string>();
  for (const s of stored) {
    if (rawBytes + pointsWithin(s.header as Float64Array, from, to) * POINT_BYTES <= summaryBytes)
      rawIds.add(s.trialId);
    else summarised.push(s.trialId);
  }
  const rawRanges: IndexRanges = new Map();
  if (rawIds.size > 0) {
    const spanRows = await readRows(
      db,
      query.key,
      stored.filter((s) => rawIds.has(s.trialId)),
      spans.ranges,
      cache,
      signal,
    );
    signal?.throwIfAborted();
    for (const id of rawIds) {
      eachBucket(spanRows.get(id)?.get(spans.level), spans.lo, spans.hi, (b, o) =>
        addRange(rawRanges, id, b, o),
      );
    }
  }

  // The other trials: whole buckets per column, raw points at the edges.
  const summarisedIds = new Set(summarised);
  const rows = await readRows(
    db,
    query.key,
    stored.filter((s) => summarisedIds.has(s.trialId)),
    fine,
    cache,
    signal,
  );
  signal?.throwIfAborted();
  const accumulators = new Map(ids.map((id) => [id, new M4Accumulator(columns)]));
  for (const id of summarised) {
    const acc = accumulators.get(id) as M4Accumulator;
    const levels = rows.get(id);
    for (const p of plan.pieces) {
      eachBucket(levels?.get(p.level), p.lo, p.hi, (b, o) => {
        acc.offerKept(p.column, b, o + KEPT);
        acc.tally(b[o]);
      });
    }
    for (const e of plan.edges)
      eachBucket(levels?.get(FINEST_LEVEL), e, e, (b, o) => addRange(rawRanges, id, b, o));
  }

  // A bucket's index range may hold other buckets' points (out-of-order appends): keep the edges' own.
  const edges = new Set(plan.edges);
  const edgesOnly = new Set(summarised);
  await readRawPoints(
    db,
    query.key,
    rawRanges,
    (trialId, index, step, value, timestamp) => {
      const column = columnOf(step, from, to, columns);
      if (column < 0 || (edgesOnly.has(trialId) && !edges.has(bucketOf(step, FINEST_LEVEL)))) return;
      const acc = accumulators.get(trialId) as M4Accumulator;
      acc.offer(column, step, step, value, timestamp, index);
      acc.tally(1);
    },
    chunks,
    signal,
  );
  // The tails: points in no bucket yet, offered one by one.
  for (const s of stored) {
    const acc = accumulators.get(s.trialId) as M4Accumulator;
    const { steps, values, timestamps } = s.tail;
    for (let i = 0; i < steps.length; i++) {
      const column = columnOf(steps[i], from, to, columns);
      if (column < 0) continue;
      acc.offer(column, steps[i], steps[i], values[i], timestamps[i], s.summarized + i);
      acc.tally(1);
    }
  }
  return {
    from,
    to,
    series: series.map((s) => {
      const acc = accumulators.get(s.trialId);
      return acc ? part(s.trialId, acc.result()) : emptyPart(s.trialId);
    }),
  };
}
