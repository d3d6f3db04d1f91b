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
 * x = 'time' and 'relative' read every raw point of the requested series: O(points), exact.
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
  bucketOf,
  decodeRow,
  FINEST_LEVEL,
  KEPT,
  SERIES_LEVEL,
  SUMMARY_LEVELS,
  withTail,
} from './summaries.js';
import type { SummaryRowCache } from './summary-cache.js';
import { eachBucket, entry, ROW_BYTES, RowRanges, readRows } from './summary-rows.js';

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
): Promise<SeriesWindow> {
  const query = checked(input);
  const series = await requestedSeries(db, query);
  signal?.throwIfAborted();
  const window =
    query.x === 'step'
      ? await stepWindow(db, query, series, signal, caches)
      : await timeWindow(db, query, series, caches, signal);
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

// ---- x = 'time' and 'relative': from every raw point --------------------------------------------

async function timeWindow(
  db: Queryable,
  query: SeriesWindowQuery,
  series: WindowSeries[],
  { chunks: cache }: WindowCaches = {},
  signal?: AbortSignal,
): Promise<Resolved> {
  const stored = series.filter((s) => s.header);
  // Every point of every series: those below `summarized` from whole chunks (the cache's where it
  // holds them), then the tail as read with the header (a flush since may have moved it to a chunk).
  const ranges: IndexRanges = new Map();
  const columns = new Map<string, ColumnarPoints>();
  for (const s of stored) {
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
  const points = new Map(
    stored.map((s) => {
      const p = columns.get(s.trialId) as ColumnarPoints;
      const offset = query.x === 'relative' ? (s.startedAt ?? p.timestamps[0]) : 0;
      return [s.trialId, { p, offset }];
    }),
  );
  let from = query.from ?? Number.POSITIVE_INFINITY;
  let to = query.to ?? Number.NEGATIVE_INFINITY;
  for (const { p, offset } of points.values()) {
    for (const t of p.timestamps) {
      if (query.from === undefined) from = Math.min(from, t - offset);
      if (query.to === undefined) to = Math.max(to, t - offset);
    }
  }
  if (!(from <= to)) return emptyWindow(query, series);
  return {
    from,
    to,
    series: series.map((s) => {
      const own = points.get(s.trialId);
      if (!own) return emptyPart(s.trialId);
      return part(s.trialId, m4Columns(own.p, query.x, from, to, query.columns, own.offset));
    }),
  };
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
