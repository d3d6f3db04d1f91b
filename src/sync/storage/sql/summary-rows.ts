/**
 * Summary rows of many series for a window: the row ranges a request needs per level, read for
 * every series in statements of bounded size (the row cache answering what it holds), and the
 * buckets they hold visited by range.
 */
import type { Queryable } from './driver.js';
import { merged, otherWorkFirst } from './raw-points.js';
import { BUCKETS_PER_ROW, blockOf } from './summaries.js';
import type { CachedRow, SummaryRowCache } from './summary-cache.js';
import { BUCKET_FIELDS, decodeRow, STORED_BUCKET_BYTES } from './summary-row-codec.js';

/** About the bytes of one stored row of buckets (what reading it costs the database). */
export const ROW_BYTES = BUCKETS_PER_ROW * STORED_BUCKET_BYTES;

/** A series whose rows are read: its trial, and its stored whole-series bucket (what cached rows are checked against). */
export interface RowSeries {
  trialId: string;
  stored: Float64Array | undefined;
}

/** One stored row of buckets. */
interface BucketRow {
  block: number;
  buckets: Float64Array;
}
/** One series' rows by level, sorted by block. */
export type RowsByLevel = Map<number, BucketRow[]>;
/** Rows by trial, then level, sorted by block. */
export type RowsByTrial = Map<string, RowsByLevel>;

/** Merged row ranges as a query takes them: level, first and last block of each. */
export interface RangeColumns {
  levels: number[];
  los: number[];
  his: number[];
}

/** Row ranges per level, for one query: added in any order, merged where they overlap or touch. */
export class RowRanges {
  private readonly byLevel = new Map<number, [number, number][]>();

  add(level: number, loBucket: number, hiBucket: number): void {
    entry(this.byLevel, level, () => []).push([blockOf(loBucket), blockOf(hiBucket)]);
  }

  /** How many rows the merged ranges hold. */
  count(): number {
    const { los, his } = this.columns();
    return los.reduce((sum, lo, i) => sum + his[i] - lo + 1, 0);
  }

  /** The merged ranges as the query's three arrays. */
  columns(): RangeColumns {
    const out = { levels: [] as number[], los: [] as number[], his: [] as number[] };
    for (const [level, list] of this.byLevel) {
      for (const [lo, hi] of merged(list)) {
        out.levels.push(level);
        out.los.push(lo);
        out.his.push(hi);
      }
    }
    return out;
  }
}

/** Summary rows one statement reads at most (~7 MB; see `otherWorkFirst`). */
const ROWS_PER_STATEMENT = 512;

/** Above this many rows per series a request is not cached (a sparse series over a vast step range). */
const MAX_CACHED_ROWS_PER_SERIES = 4096;

/** The rows of every series in `series` that `ranges` name. */
export function readRows(
  db: Queryable,
  key: string,
  series: readonly RowSeries[],
  ranges: RowRanges,
  cache: SummaryRowCache | undefined,
  signal?: AbortSignal,
): Promise<RowsByTrial> {
  return readEachSeriesRows(
    db,
    key,
    series.map((s) => ({ series: s, ranges })),
    cache,
    signal,
  );
}

/** One series and the rows of it to read. */
export interface SeriesRowRequest {
  series: RowSeries;
  ranges: RowRanges;
}

/** Every request's own rows: each series its own ranges (a time window's step ranges differ per trial). */
export async function readEachSeriesRows(
  db: Queryable,
  key: string,
  requests: readonly SeriesRowRequest[],
  cache: SummaryRowCache | undefined,
  signal?: AbortSignal,
): Promise<RowsByTrial> {
  const out: RowsByTrial = new Map();
  const put = (trialId: string, level: number, row: BucketRow) =>
    entry(
      entry(out, trialId, () => new Map<number, BucketRow[]>()),
      level,
      () => [],
    ).push(row);
  const toRead: { series: RowSeries; wanted: string[]; columns: RangeColumns }[] = [];
  // Requests often share one RowRanges (a window by step asks every series for the same rows):
  // merged and named once per object.
  const planned = new Map<RowRanges, { columns: RangeColumns; wanted: string[] }>();
  for (const { series: s, ranges } of requests) {
    const { columns, wanted } = entry(planned, ranges, () => {
      const merged = ranges.columns();
      return { columns: merged, wanted: wantedRows(merged) };
    });
    if (columns.levels.length === 0) continue;
    const rows =
      cache && s.stored && wanted.length <= MAX_CACHED_ROWS_PER_SERIES
        ? cache.rows(s.trialId, key, s.stored, wanted)
        : undefined;
    if (!rows) {
      toRead.push({ series: s, wanted, columns });
      continue;
    }
    for (const at of wanted) {
      const buckets = rows.get(at);
      if (!buckets) continue;
      const [level, block] = at.split(':').map(Number);
      put(s.trialId, level, { block, buckets });
    }
  }
  // Series in batches of about ROWS_PER_STATEMENT rows (a series' rows: the blocks of its ranges).
  for (let first = 0; first < toRead.length; ) {
    if (first > 0) await otherWorkFirst(signal);
    const ids: string[] = [];
    const levels: number[] = [];
    const los: number[] = [];
    const his: number[] = [];
    let rowCount = 0;
    let last = first;
    for (; last < toRead.length && (last === first || rowCount < ROWS_PER_STATEMENT); last++) {
      const { series: s, columns } = toRead[last];
      for (let i = 0; i < columns.levels.length; i++) {
        ids.push(s.trialId);
        levels.push(columns.levels[i]);
        los.push(columns.los[i]);
        his.push(columns.his[i]);
        rowCount += columns.his[i] - columns.los[i] + 1;
      }
    }
    const { rows } = await db.query<{ trial_id: string; level: number; block: number; buckets: Uint8Array }>(
      `SELECT s.trial_id, s.level, s.block::float8 AS block, s.buckets FROM series_summary s
       JOIN unnest($2::text[], $3::smallint[], $4::bigint[], $5::bigint[]) AS r(trial_id, level, lo, hi)
         ON s.trial_id = r.trial_id AND s.level = r.level AND s.block BETWEEN r.lo AND r.hi
       WHERE s.key = $1`,
      [key, ids, levels, los, his],
    );
    const read = new Map<string, Map<string, CachedRow>>();
    for (const r of rows) {
      const buckets = decodeRow(r.buckets, BUCKETS_PER_ROW);
      put(r.trial_id, r.level, { block: r.block, buckets });
      entry(read, r.trial_id, () => new Map()).set(`${r.level}:${r.block}`, buckets);
    }
    if (cache) {
      for (const { series: s, wanted } of toRead.slice(first, last)) {
        if (!s.stored || wanted.length > MAX_CACHED_ROWS_PER_SERIES) continue;
        const got = read.get(s.trialId);
        cache.keep(s.trialId, key, s.stored, new Map(wanted.map((at) => [at, got?.get(at) ?? null])));
      }
    }
    first = last;
  }
  for (const levels of out.values())
    for (const list of levels.values()) list.sort((a, b) => a.block - b.block);
  return out;
}

/** The `level:block` names of the rows in `columns`, up to one past the cacheable count. */
function wantedRows({ levels, los, his }: RangeColumns): string[] {
  const wanted: string[] = [];
  for (let i = 0; i < levels.length && wanted.length <= MAX_CACHED_ROWS_PER_SERIES; i++)
    for (let b = los[i]; b <= his[i] && wanted.length <= MAX_CACHED_ROWS_PER_SERIES; b++)
      wanted.push(`${levels[i]}:${b}`);
  return wanted;
}

/** Calls `visit(row, offset)` for every non-empty bucket `lo..hi` of a level held in `rows`. */
export function eachBucket(
  rows: BucketRow[] | undefined,
  lo: number,
  hi: number,
  visit: (buckets: Float64Array, offset: number) => void,
): void {
  if (!rows) return;
  const first = blockOf(lo);
  let i = 0;
  for (let h = rows.length; i < h; ) {
    const mid = (i + h) >>> 1;
    if (rows[mid].block < first) i = mid + 1;
    else h = mid;
  }
  for (; i < rows.length && rows[i].block <= blockOf(hi); i++) {
    const { block, buckets } = rows[i];
    const start = Math.max(lo, block * BUCKETS_PER_ROW) - block * BUCKETS_PER_ROW;
    const end = Math.min(hi, block * BUCKETS_PER_ROW + BUCKETS_PER_ROW - 1) - block * BUCKETS_PER_ROW;
    for (let b = start; b <= end; b++) {
      if (buckets[b * BUCKET_FIELDS] > 0) visit(buckets, b * BUCKET_FIELDS);
    }
  }
}

/** The value of `key` in `map`, created first if missing. */
export function entry<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}
