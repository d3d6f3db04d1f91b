/**
 * Series summaries, kept beside the points so a window query never has to read every point.
 *
 * Per series, buckets aligned in step space at levels {@link SUMMARY_LEVELS}: bucket `b` of level
 * `L` covers steps `[b·2^L, (b+1)·2^L)`. A bucket holds its point count, the lowest and highest
 * append index of its points (where its raw points lie in the chunks) and its kept M4 points
 * (first, last, min, max, first value not finite: see `keepPoint`). Rows pack {@link BUCKETS_PER_ROW} buckets
 * of one level as float64; level {@link SERIES_LEVEL} is the whole series in one bucket, the
 * series' header. Appends update the buckets their points fall in, whatever their order.
 */
import { keepPoint, keptPoint, type SeriesPoint, type SeriesSummary } from '../../../protocol/index.js';
import type { ColumnarPoints } from '../../model.js';
import type { Queryable } from './driver.js';
import { type SeriesTail, TAIL_COLUMNS, tailPoints } from './series-tail.js';
import { BUCKET_FIELDS, decodeRow, emptyBuckets, encodeRow, KEPT } from './summary-row-codec.js';

/**
 * Bucket widths, as powers of two of steps, coarsest first. Levels two apart, and 32 steps too: a
 * column of an overview is one or two whole buckets of one level (see
 * `client/lod/overview-query.ts`), not up to sixteen. The 32-step level makes a column of 16 to 32
 * steps a pixel one bucket, not two: at 1,000 trials such a zoom took the server 1.3-1.4 s
 * instead of 2.8-3.0, for summaries a third larger (1.1 to 1.5 GB at 100M points).
 */
export const SUMMARY_LEVELS = [16, 14, 12, 10, 8, 6, 5, 4] as const;
/** The levels a later migration added to stores written with levels four apart (`summary-backfill.ts`). */
export const ADDED_LEVELS = [14, 10, 6] as const;
/** The level of 32-step buckets, which a later migration added to stores written without it. */
export const ADDED_32_STEP_LEVEL = [5] as const;
/** The finest level: window edges narrower than its buckets are read from raw points. */
export const FINEST_LEVEL = 4;
/** The widest buckets kept below the whole-series header. */
export const COARSEST_LEVEL = SUMMARY_LEVELS[0];
/** The level whose one bucket (block 0, bucket 0) summarises the whole series. */
export const SERIES_LEVEL = 64;
/** Buckets per stored row: small rows keep the rewrite per append small. */
export const BUCKETS_PER_ROW = 64;

/** 2^-level by level: multiplying by it is dividing by 2^level, exactly, and cheaper. */
const INVERSE_WIDTH = Array.from({ length: SERIES_LEVEL + 1 }, (_, level) => 2 ** -level);

/** The bucket of `step` at `level`. */
export function bucketOf(step: number, level: number): number {
  return Math.floor(step * INVERSE_WIDTH[level]);
}

/** The row (block) holding bucket `bucket`. */
export function blockOf(bucket: number): number {
  return Math.floor(bucket / BUCKETS_PER_ROW);
}

/** Adds one point (at append position `index`) to bucket `bucket` of a row. */
function addPoint(
  row: Float64Array,
  bucket: number,
  step: number,
  value: number,
  timestamp: number,
  index: number,
): void {
  const o = bucket * BUCKET_FIELDS;
  if (row[o] === 0) {
    row[o + 1] = index;
    row[o + 2] = index;
  } else {
    if (index < row[o + 1]) row[o + 1] = index;
    if (index > row[o + 2]) row[o + 2] = index;
  }
  row[o]++;
  keepPoint(row, o + KEPT, step, step, value, timestamp, index);
}

/**
 * A stored float64 column as numbers: a view of a buffer the bytes have to themselves (PGlite's
 * values), else a copy (drivers may hand back unaligned slices of a shared buffer, which a view
 * would also keep alive in a cache).
 */
export function float64s(b: Uint8Array): Float64Array {
  if (b.byteOffset === 0 && b.buffer.byteLength === b.byteLength && b.byteLength % 8 === 0)
    return new Float64Array(b.buffer);
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/**
 * What an update wrote to a series' summaries: its header (whole-series bucket) before and after,
 * and every bucket row it rewrote, decoded, by `level:block`. Rows it did not touch are as they were.
 */
export interface SummariesWritten {
  before?: Float64Array;
  header: Float64Array;
  rows: Map<string, Float64Array>;
}

/**
 * Updates the summaries of a series with points just appended at positions `firstIndex…`; runs
 * in the append's transaction, after the series row was locked. Returns what it wrote. `only`
 * limits it to those levels, header left alone (a backfill of levels added later).
 */
export async function updateSeriesSummaries(
  q: Queryable,
  trialId: string,
  key: string,
  points: ColumnarPoints,
  firstIndex: number,
  only: readonly number[] = SUMMARY_LEVELS,
): Promise<SummariesWritten | undefined> {
  const n = points.steps.length;
  if (n === 0) return undefined;
  const withHeader = only === SUMMARY_LEVELS;
  const levels: number[] = [];
  const blocks: number[] = [];
  const seen = new Set<string>();
  const want = (level: number, block: number) => {
    const id = `${level}:${block}`;
    if (seen.has(id)) return;
    seen.add(id);
    levels.push(level);
    blocks.push(block);
  };
  if (withHeader) want(SERIES_LEVEL, 0);
  for (const level of only) {
    let previous = Number.NaN;
    for (let i = 0; i < n; i++) {
      const block = blockOf(bucketOf(points.steps[i], level));
      if (block !== previous) want(level, block);
      previous = block;
    }
  }
  const { rows } = await q.query<{ level: number; block: number; buckets: Uint8Array }>(
    `SELECT level, block::float8 AS block, buckets FROM series_summary
     WHERE trial_id = $1 AND key = $2 AND (level, block) IN (SELECT * FROM unnest($3::smallint[], $4::bigint[]))`,
    [trialId, key, levels, blocks],
  );
  const stored = new Map(
    rows.map((r) => [
      `${r.level}:${r.block}`,
      decodeRow(r.buckets, r.level === SERIES_LEVEL ? 1 : BUCKETS_PER_ROW),
    ]),
  );
  const row = (level: number, block: number): Float64Array => {
    const id = `${level}:${block}`;
    let r = stored.get(id);
    if (!r) {
      r = emptyBuckets(level === SERIES_LEVEL ? 1 : BUCKETS_PER_ROW);
      stored.set(id, r);
    }
    return r;
  };
  for (const level of only) {
    let block = blockOf(bucketOf(points.steps[0], level));
    let current = row(level, block);
    for (let i = 0; i < n; i++) {
      const bucket = bucketOf(points.steps[i], level);
      if (blockOf(bucket) !== block) {
        block = blockOf(bucket);
        current = row(level, block);
      }
      const at = bucket - block * BUCKETS_PER_ROW;
      addPoint(current, at, points.steps[i], points.values[i], points.timestamps[i], firstIndex + i);
    }
  }
  if (!withHeader) {
    await writeRows(q, trialId, key, levels, blocks, stored);
    return undefined;
  }
  const before = stored.get(`${SERIES_LEVEL}:0`)?.slice();
  const header = row(SERIES_LEVEL, 0);
  for (let i = 0; i < n; i++)
    addPoint(header, 0, points.steps[i], points.values[i], points.timestamps[i], firstIndex + i);
  await writeRows(q, trialId, key, levels, blocks, stored);
  stored.delete(`${SERIES_LEVEL}:0`);
  return { before, header, rows: stored };
}

/** Upserts the touched rows in one statement. */
async function writeRows(
  q: Queryable,
  trialId: string,
  key: string,
  levels: number[],
  blocks: number[],
  stored: Map<string, Float64Array>,
): Promise<void> {
  const rows = levels.map((level, i) => encodeRow(stored.get(`${level}:${blocks[i]}`) as Float64Array));
  await q.query(
    `INSERT INTO series_summary (trial_id, key, level, block, buckets)
     SELECT $1, $2, r.level, r.block, r.buckets FROM unnest($3::smallint[], $4::bigint[], $5::bytea[]) AS r(level, block, buckets)
     ON CONFLICT (trial_id, key, level, block) DO UPDATE SET buckets = EXCLUDED.buckets`,
    [trialId, key, levels, blocks, rows],
  );
}

/**
 * The whole-series bucket of a series with the points of its tail (the newest points, at append
 * positions `firstIndex…`, not yet in its summaries) added: M4 merges exactly. `header` is the
 * stored one (undefined: none yet); it is not changed.
 */
export function withTail(
  header: Float64Array | undefined,
  tail: ColumnarPoints,
  firstIndex: number,
): Float64Array | undefined {
  const n = tail.steps.length;
  if (n === 0) return header;
  const out = header ? Float64Array.from(header) : emptyBuckets(1);
  for (let i = 0; i < n; i++)
    addPoint(out, 0, tail.steps[i], tail.values[i], tail.timestamps[i], firstIndex + i);
  return out;
}

/** The point kept in slot `slot` of a bucket, as the protocol writes it. */
function point(bucket: Float64Array, slot: number): SeriesPoint | null {
  return keptPoint(bucket, KEPT, slot) ?? null;
}

/** The whole-series bucket of a stored header row as a {@link SeriesSummary}. */
export function toSeriesSummary(trialId: string, key: string, header: Float64Array): SeriesSummary {
  return {
    trialId,
    key,
    count: header[0],
    first: point(header, 0) as SeriesPoint,
    last: point(header, 1) as SeriesPoint,
    min: point(header, 2),
    max: point(header, 3),
  };
}

/** Count, first, last, min and max of every series of a study, by trial number then key. */
export async function readSeriesSummaries(q: Queryable, studyId: string): Promise<SeriesSummary[]> {
  // The header and the tail in one statement: one consistent view of each series.
  const { rows } = await q.query<SeriesTail & { trial_id: string; key: string; buckets: Uint8Array | null }>(
    `SELECT m.trial_id, m.key, s.buckets, ${TAIL_COLUMNS}
     FROM metric_series m JOIN trial t ON t.id = m.trial_id
     LEFT JOIN series_summary s ON s.trial_id = m.trial_id AND s.key = m.key AND s.level = $2 AND s.block = 0
     WHERE t.study_id = $1 AND (s.buckets IS NOT NULL OR m.points > m.summarized)
     ORDER BY t.number, t.id, m.key`,
    [studyId, SERIES_LEVEL],
  );
  return rows.map((r) => {
    const stored = r.buckets ? decodeRow(r.buckets, 1) : undefined;
    return toSeriesSummary(r.trial_id, r.key, withTail(stored, tailPoints(r), r.summarized) as Float64Array);
  });
}
