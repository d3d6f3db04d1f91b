/**
 * Metric series: points appended in bulk into fixed-size chunks of little-endian float64 columns,
 * read back by range, and how many of them MLflow acknowledged.
 *
 * A series' newest points (fewer than `tailPoints`) wait in a tail on the series' own row: a small
 * append rewrites that row alone, not the series' last chunk (up to 3 x 32 KiB) nor its summary
 * rows. Once the tail reaches `tailPoints`, the tail goes to the chunks and the summaries
 * ("flush"): with `onFull`, in a transaction of its own after the append's ({@link flushTail}), so an
 * append waits for no flush; else, or once a tail reaches twice that (flushes fall behind), in the
 * append's. Points `[0, summarized)` are in the chunks and summaries, `[summarized, points)` in the
 * tail; readers merge the tail in (see {@link SeriesTail}).
 */
import type { ColumnarPoints, SeriesInfo } from '../../model.js';
import type { SeriesAppend, StorageOps } from '../../storage.js';
import { CHUNK_POINTS } from '../schema.js';
import { type Db, type Queryable, rowsOf } from './driver.js';
import { floats, NO_POINTS, type SeriesTail, TAIL_COLUMNS, tailPoints } from './series-tail.js';
import { type SummariesWritten, updateSeriesSummaries } from './summaries.js';

/** Default most points a series keeps in its tail before they go to its chunks and summaries. */
export const TAIL_POINTS = 128;

/** The series queries of a {@link StorageOps}. */
export type SeriesQueries = Pick<
  StorageOps,
  'appendPoints' | 'appendPointsMany' | 'readSeries' | 'listSeries' | 'setAcked'
>;

export interface SeriesOptions {
  /** Keep the series summaries up to date (off only to measure their cost). */
  summaries: boolean;
  /** Most points kept in a series' tail; 0 writes every append to the chunks and summaries at once. */
  tailPoints: number;
  /** Told, once committed, of the chunks and summary rows each flush wrote (the window caches keep them). */
  onFlushed?: (flushed: Flushed) => void;
  /**
   * Told, once committed, of series whose tail is full: flush each with {@link flushTail} soon.
   * Without it, full tails are flushed in the append's transaction.
   */
  onFull?: (series: SeriesKey[]) => void;
  /**
   * Lock an append's series rows in (trial, key) order before extending their tails: other
   * processes appending to them at once would otherwise deadlock (a PostgreSQL server).
   */
  lockInOrder?: boolean;
}

/** One series of a trial. */
export interface SeriesKey {
  trialId: string;
  key: string;
}

/** What one flush wrote to a series: points at chunk offsets, and its summary rows. */
export interface Flushed {
  trialId: string;
  key: string;
  /** Points written to chunk `chunk` from its point `offset` on. */
  chunks: { chunk: number; offset: number; points: ColumnarPoints }[];
  summaries?: SummariesWritten;
}

/** A series row locked for an append, with its tail. */
interface Locked extends SeriesTail {
  trial_id: string;
  key: string;
  chunks: number;
}

/** One string per series, for maps and sets. */
export const seriesId = (trialId: string, key: string) => `${trialId}\u0000${key}`;

/** A stored chunk of a series: its number and the bytes of its float64 columns. */
export interface ChunkRow {
  chunk: number;
  steps: Uint8Array;
  vals: Uint8Array;
  timestamps: Uint8Array;
}

/** Chunks `first…last` of a series, in order. */
export async function readChunks(
  q: Queryable,
  trialId: string,
  key: string,
  first: number,
  last: number,
): Promise<ChunkRow[]> {
  const { rows } = await q.query<ChunkRow>(
    `SELECT chunk, steps, vals, timestamps FROM metric_chunk
     WHERE trial_id = $1 AND key = $2 AND chunk BETWEEN $3 AND $4 ORDER BY chunk`,
    [trialId, key, first, last],
  );
  return rows;
}

export function seriesQueries(db: Db, options: SeriesOptions): SeriesQueries {
  const q = rowsOf(db);
  /** Appends in one transaction; hands what they wrote to the summaries on once it is committed. */
  const append = async (appends: readonly SeriesAppend[], checkTrial: boolean) => {
    const written: Flushed[] = [];
    const full: SeriesKey[] = [];
    const totals = await db.atomic((q) => appendMany(q, appends, checkTrial, options, written, full));
    tellFlushed(db, options, written);
    const onFull = options.onFull;
    if (onFull && full.length > 0) db.afterCommit(() => onFull(full));
    return totals;
  };
  return {
    async appendPoints(trialId: string, key: string, points: ColumnarPoints): Promise<number> {
      const [total] = await append([{ trialId, key, points }], false);
      return total as number;
    },

    appendPointsMany(appends: readonly SeriesAppend[]): Promise<(number | undefined)[]> {
      return append(appends, true);
    },

    async readSeries(trialId: string, key: string, from = 0, to?: number): Promise<ColumnarPoints> {
      const info = (
        await q<SeriesTail>(`SELECT ${TAIL_COLUMNS} FROM metric_series m WHERE trial_id = $1 AND key = $2`, [
          trialId,
          key,
        ])
      )[0];
      const end = Math.min(to ?? Number.POSITIVE_INFINITY, info?.points ?? 0);
      const length = Math.max(0, end - from);
      const out: ColumnarPoints = {
        steps: new Float64Array(length),
        values: new Float64Array(length),
        timestamps: new Float64Array(length),
      };
      if (length === 0) return out;
      // From the chunks up to `summarized`, then from the tail.
      const chunked = Math.min(end, info.summarized);
      if (from < chunked) {
        const first = Math.floor(from / CHUNK_POINTS);
        const last = Math.floor((chunked - 1) / CHUNK_POINTS);
        const chunks = await db.one((r) => readChunks(r, trialId, key, first, last));
        for (const c of chunks) {
          const start = c.chunk * CHUNK_POINTS;
          const lo = Math.max(from, start) - start;
          const hi = Math.min(chunked, start + CHUNK_POINTS) - start;
          const at = start + lo - from;
          out.steps.set(floats(c.steps, lo, hi), at);
          out.values.set(floats(c.vals, lo, hi), at);
          out.timestamps.set(floats(c.timestamps, lo, hi), at);
        }
      }
      if (end > info.summarized) {
        const lo = Math.max(from, info.summarized) - info.summarized;
        const hi = end - info.summarized;
        const at = Math.max(from, info.summarized) - from;
        out.steps.set(floats(info.tail_steps, lo, hi), at);
        out.values.set(floats(info.tail_vals, lo, hi), at);
        out.timestamps.set(floats(info.tail_timestamps, lo, hi), at);
      }
      return out;
    },

    async listSeries(trialId: string): Promise<SeriesInfo[]> {
      return q<SeriesInfo>('SELECT key, points, acked FROM metric_series WHERE trial_id = $1 ORDER BY key', [
        trialId,
      ]);
    },

    async setAcked(trialId: string, key: string, acked: number): Promise<void> {
      await q('UPDATE metric_series SET acked = greatest(acked, $3) WHERE trial_id = $1 AND key = $2', [
        trialId,
        key,
        acked,
      ]);
    },
  };
}

/**
 * Appends to many series in one transaction, one statement per kind whatever their number. First
 * the tails of the series whose tail has room are extended, in one statement (the common case, and
 * then the only one). The others are locked (or created) in one statement; a new series' points go
 * to its tail, and a series whose tail fills is flushed on its own (once per `tailPoints` points).
 * With `checkTrial`, appends to a trial that does not exist store nothing and resolve undefined.
 */
async function appendMany(
  q: Queryable,
  appends: readonly SeriesAppend[],
  checkTrial: boolean,
  options: SeriesOptions,
  written: Flushed[],
  full: SeriesKey[],
): Promise<(number | undefined)[]> {
  // Appends to one series are merged, in order: a statement may change a row only once.
  const merged = new Map<string, { trialId: string; key: string; parts: ColumnarPoints[] }>();
  for (const a of appends) {
    const id = seriesId(a.trialId, a.key);
    const m = merged.get(id);
    if (m) m.parts.push(a.points);
    else merged.set(id, { trialId: a.trialId, key: a.key, parts: [a.points] });
  }
  // Rows are locked in (trial, key) order, so processes appending to the same series do not deadlock.
  const series = [...merged.values()]
    .sort((a, b) => (a.trialId === b.trialId ? (a.key < b.key ? -1 : 1) : a.trialId < b.trialId ? -1 : 1))
    .map((s) => ({ ...s, points: s.parts.length === 1 ? s.parts[0] : concatPoints(s.parts) }));
  /** Each series' length before this call (absent: its trial does not exist). */
  const before = new Map<string, number>();
  let rest = series;
  if (options.tailPoints > 0) {
    const small = series.filter((s) => s.points.steps.length > 0);
    // With someone to flush full tails later, a tail may grow past its limit meanwhile (to twice it).
    const room = options.onFull ? 2 : 1;
    const rows = await extendTails(
      q,
      small,
      options.tailPoints,
      room,
      options.lockInOrder ? series : undefined,
    );
    const counts = new Map(small.map((s) => [seriesId(s.trialId, s.key), s.points.steps.length]));
    for (const r of rows) {
      const id = seriesId(r.trial_id, r.key);
      before.set(id, r.points - (counts.get(id) as number));
      if (r.points - r.summarized >= tailLimit(r.trial_id, r.key, options.tailPoints))
        full.push({ trialId: r.trial_id, key: r.key });
    }
    rest = series.filter((s) => !before.has(seriesId(s.trialId, s.key)));
  }
  if (rest.length > 0) {
    const { rows } = await q.query<Locked>(
      `INSERT INTO metric_series AS m (trial_id, key)
       SELECT u.trial_id, u.key FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(trial_id, key, ord)
       ${checkTrial ? 'WHERE EXISTS (SELECT 1 FROM trial t WHERE t.id = u.trial_id)' : ''}
       ORDER BY u.ord
       ON CONFLICT (trial_id, key) DO UPDATE SET points = m.points
       RETURNING m.trial_id, m.key, m.chunks, ${TAIL_COLUMNS}`,
      [rest.map((s) => s.trialId), rest.map((s) => s.key)],
    );
    const locked = new Map(rows.map((r) => [seriesId(r.trial_id, r.key), r]));
    const tails: typeof rest = [];
    for (const s of rest) {
      const row = locked.get(seriesId(s.trialId, s.key));
      if (!row) continue;
      before.set(seriesId(s.trialId, s.key), row.points);
      const n = s.points.steps.length;
      if (n === 0) continue;
      if (row.points + n - row.summarized < tailLimit(s.trialId, s.key, options.tailPoints)) tails.push(s);
      else await flush(q, row, s.points, options, written);
    }
    await extendTails(q, tails, Number.POSITIVE_INFINITY);
  }
  // Each append's series length after it, in the order given.
  return appends.map((a) => {
    const id = seriesId(a.trialId, a.key);
    const length = before.get(id);
    if (length === undefined) return undefined;
    before.set(id, length + a.points.steps.length);
    return length + a.points.steps.length;
  });
}

/**
 * Appends each series' points to its tail where the tail stays under its limit (`tailPoints`:
 * see {@link tailLimit}), in one statement; returns the rows extended, with their new length.
 * With `locking`, first locks the rows of those series that exist, in (trial, key) order: the
 * transaction's later statements then take no row another process could hold while waiting for
 * one of these (an UPDATE joined to a list locks in the join's order, and PostgreSQL broke such
 * cycles by failing a whole append).
 */
async function extendTails(
  q: Queryable,
  series: readonly { trialId: string; key: string; points: ColumnarPoints }[],
  tailPoints: number,
  room = 1,
  locking?: readonly SeriesKey[],
): Promise<{ trial_id: string; key: string; points: number; summarized: number }[]> {
  if (series.length === 0) return [];
  const limit = (s: SeriesKey) =>
    Number.isFinite(tailPoints) ? room * tailLimit(s.trialId, s.key, tailPoints) : 2 ** 31 - 1;
  const lock = locking
    ? `WITH locked AS MATERIALIZED (
         SELECT m.trial_id, m.key FROM metric_series m
         JOIN unnest($8::text[], $9::text[]) AS k(trial_id, key) ON m.trial_id = k.trial_id AND m.key = k.key
         ORDER BY m.trial_id, m.key FOR UPDATE OF m)`
    : '';
  const { rows } = await q.query<{ trial_id: string; key: string; points: number; summarized: number }>(
    `${lock}
     UPDATE metric_series m SET points = m.points + u.n, tail_steps = m.tail_steps || u.steps,
       tail_vals = m.tail_vals || u.vals, tail_timestamps = m.tail_timestamps || u.timestamps
     FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::bytea[], $6::bytea[], $7::bytea[])
       AS u(trial_id, key, n, lim, steps, vals, timestamps)
       ${locking ? 'JOIN locked l ON l.trial_id = u.trial_id AND l.key = u.key' : ''}
     WHERE m.trial_id = u.trial_id AND m.key = u.key AND m.points + u.n - m.summarized < u.lim
     RETURNING m.trial_id, m.key, m.points, m.summarized`,
    [
      series.map((s) => s.trialId),
      series.map((s) => s.key),
      series.map((s) => s.points.steps.length),
      series.map(limit),
      series.map((s) => bytes(s.points.steps)),
      series.map((s) => bytes(s.points.values)),
      series.map((s) => bytes(s.points.timestamps)),
      ...(locking ? [locking.map((s) => s.trialId), locking.map((s) => s.key)] : []),
    ],
  );
  return rows;
}

/**
 * How many points a series' tail may hold: between half of `tailPoints` and all of it, fixed per
 * series, so series appended in lockstep (one point each per round) do not all flush in one round.
 */
function tailLimit(trialId: string, key: string, tailPoints: number): number {
  if (tailPoints <= 1) return tailPoints;
  let hash = 2166136261;
  for (const text of [trialId, key])
    for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  const half = Math.floor(tailPoints / 2);
  return tailPoints - ((hash >>> 0) % half);
}

/**
 * Flushes a series' tail if it is (still) full, in a transaction of its own: what
 * {@link SeriesOptions.onFull} asks for. Another flush or an append flushing may have come first.
 */
export async function flushTail(db: Db, series: SeriesKey, options: SeriesOptions): Promise<void> {
  const written: Flushed[] = [];
  await db.atomic(async (q) => {
    const { rows } = await q.query<Locked>(
      `SELECT m.trial_id, m.key, m.chunks, ${TAIL_COLUMNS} FROM metric_series m
       WHERE m.trial_id = $1 AND m.key = $2 FOR UPDATE`,
      [series.trialId, series.key],
    );
    const row = rows[0];
    if (row && row.points - row.summarized >= tailLimit(row.trial_id, row.key, options.tailPoints))
      await flush(q, row, NO_POINTS, options, written);
  });
  tellFlushed(db, options, written);
}

/** Tells `onFlushed` what flushes wrote, once committed. */
function tellFlushed(db: Db, options: SeriesOptions, written: Flushed[]): void {
  const tell = options.onFlushed;
  if (tell && written.length > 0)
    db.afterCommit(() => {
      for (const w of written) tell(w);
    });
}

/** Writes a locked series' tail and `points` to its chunks and summaries; the tail is left empty. */
async function flush(
  q: Queryable,
  row: Locked,
  points: ColumnarPoints,
  options: SeriesOptions,
  written: Flushed[],
): Promise<void> {
  const { trial_id: trialId, key } = row;
  const all = row.points > row.summarized ? concatPoints([tailPoints(row), points]) : points;
  const n = all.steps.length;
  let { summarized: total, chunks } = row;
  let done = 0;
  const room = chunks > 0 ? chunks * CHUNK_POINTS - total : 0;
  const flushed: Flushed = { trialId, key, chunks: [] };
  // Copies for the caches only when someone keeps them.
  const keep = (chunk: number, offset: number, from: number, to: number) => {
    if (options.onFlushed) flushed.chunks.push({ chunk, offset, points: slice(all, from, to) });
  };
  if (room > 0) {
    done = Math.min(room, n);
    keep(chunks - 1, CHUNK_POINTS - room, 0, done);
    await q.query(
      `UPDATE metric_chunk SET steps = steps || $4, vals = vals || $5, timestamps = timestamps || $6
       WHERE trial_id = $1 AND key = $2 AND chunk = $3`,
      [trialId, key, chunks - 1, ...columnBytes(all, 0, done)],
    );
  }
  for (; done < n; done += CHUNK_POINTS) {
    const end = Math.min(n, done + CHUNK_POINTS);
    keep(chunks, 0, done, end);
    await q.query(
      'INSERT INTO metric_chunk (trial_id, key, chunk, steps, vals, timestamps) VALUES ($1, $2, $3, $4, $5, $6)',
      [trialId, key, chunks++, ...columnBytes(all, done, end)],
    );
  }
  if (options.summaries) flushed.summaries = await updateSeriesSummaries(q, trialId, key, all, total);
  written.push(flushed);
  total += n;
  await q.query(
    `UPDATE metric_series SET points = $3, chunks = $4, summarized = $3,
       tail_steps = ''::bytea, tail_vals = ''::bytea, tail_timestamps = ''::bytea
     WHERE trial_id = $1 AND key = $2`,
    [trialId, key, total, chunks],
  );
}

/** Points `[from, to)`, copied (a cache must not hold the whole batch through a view). */
function slice(p: ColumnarPoints, from: number, to: number): ColumnarPoints {
  return {
    steps: p.steps.slice(from, to),
    values: p.values.slice(from, to),
    timestamps: p.timestamps.slice(from, to),
  };
}

/** Columnar points one after the other, in new arrays (a single part is copied too). */
export function concatPoints(parts: ColumnarPoints[]): ColumnarPoints {
  const n = parts.reduce((sum, p) => sum + p.steps.length, 0);
  const out: ColumnarPoints = {
    steps: new Float64Array(n),
    values: new Float64Array(n),
    timestamps: new Float64Array(n),
  };
  let at = 0;
  for (const p of parts) {
    out.steps.set(p.steps, at);
    out.values.set(p.values, at);
    out.timestamps.set(p.timestamps, at);
    at += p.steps.length;
  }
  return out;
}

/** The three columns of points `[from, to)`, as little-endian float64 bytes. */
function columnBytes(p: ColumnarPoints, from: number, to: number): [Uint8Array, Uint8Array, Uint8Array] {
  return [
    bytes(p.steps.subarray(from, to)),
    bytes(p.values.subarray(from, to)),
    bytes(p.timestamps.subarray(from, to)),
  ];
}
function bytes(a: Float64Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
