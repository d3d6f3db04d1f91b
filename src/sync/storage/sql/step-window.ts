/**
 * Windows by step. Each column's integer step range splits into whole buckets at the coarsest
 * levels that fit, plus edges narrower than the finest bucket (16 steps), whose raw points are
 * read by append-index range (for a series appended in step order, exactly the edge's points).
 * A request whose column bounds fall on a multiple of 16 (from a multiple of 16, column width a
 * multiple of 16) reads no raw point at all. Per series, the raw points of the whole range are
 * read instead when that reads fewer bytes (few points per column, judged from the series'
 * header): located by the index spans of a row or two of buckets (for a series appended out of
 * step order, those spans may hold more).
 */
import {
  columnOf,
  columnStart,
  M4Accumulator,
  type SeriesWindowPart,
  type SeriesWindowQuery,
} from '../../../protocol/index.js';
import type { Queryable } from './driver.js';
import { type IndexRanges, readRawPoints } from './raw-points.js';
import { bucketOf, COARSEST_LEVEL, FINEST_LEVEL, SUMMARY_LEVELS } from './summaries.js';
import { KEPT } from './summary-row-codec.js';
import { eachBucket, entry, ROW_BYTES, RowRanges, readRows } from './summary-rows.js';
import {
  emptyPart,
  emptyWindow,
  firstStep,
  lastStep,
  POINT_BYTES,
  part,
  type Resolved,
  type WindowCaches,
  type WindowSeries,
} from './window-parts.js';

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

export async function stepWindow(
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
  // Trials done from their buckets alone (no edges: columns on the bucket grid, as charts ask)
  // share one accumulator, emptied for each: one each for 1,000 trials over 1,330 columns was
  // 266 MB held at once (and 3-5% of the window's time to allocate and collect).
  const done = new Map<string, SeriesWindowPart>();
  const shared = plan.edges.length === 0 ? new M4Accumulator(columns) : undefined;
  const accumulators = new Map(
    ids.filter((id) => !shared || !summarisedIds.has(id)).map((id) => [id, new M4Accumulator(columns)]),
  );
  for (const s of stored) {
    if (!summarisedIds.has(s.trialId)) continue;
    const id = s.trialId;
    const acc = shared ? shared.reset() : (accumulators.get(id) as M4Accumulator);
    const levels = rows.get(id);
    for (const p of plan.pieces) {
      eachBucket(levels?.get(p.level), p.lo, p.hi, (b, o) => {
        acc.offerKept(p.column, b, o + KEPT);
        acc.tally(b[o]);
      });
    }
    if (shared) {
      offerTail(acc, s, from, to);
      done.set(id, part(id, acc.result()));
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
  for (const s of stored) {
    const acc = accumulators.get(s.trialId);
    if (acc) offerTail(acc, s, from, to);
  }
  return {
    from,
    to,
    series: series.map((s) => {
      const acc = accumulators.get(s.trialId);
      return done.get(s.trialId) ?? (acc ? part(s.trialId, acc.result()) : emptyPart(s.trialId));
    }),
  };
}

/** Offers a series' tail (points in no bucket yet) one by one. */
function offerTail(acc: M4Accumulator, s: WindowSeries, from: number, to: number): void {
  const { steps, values, timestamps } = s.tail;
  for (let i = 0; i < steps.length; i++) {
    const column = columnOf(steps[i], from, to, acc.columns);
    if (column < 0) continue;
    acc.offer(column, steps[i], steps[i], values[i], timestamps[i], s.summarized + i);
    acc.tally(1);
  }
}
