/**
 * Metric series: points appended in bulk into fixed-size chunks of little-endian float64 columns,
 * read back by range, and how many of them MLflow acknowledged.
 */
import type { ColumnarPoints, SeriesInfo } from '../../model.js';
import type { StorageOps } from '../../storage.js';
import { CHUNK_POINTS } from '../schema.js';
import { type Db, rowsOf } from './driver.js';
import { updateSeriesSummaries } from './summaries.js';

/** The series queries of a {@link StorageOps}. */
export type SeriesQueries = Pick<StorageOps, 'appendPoints' | 'readSeries' | 'listSeries' | 'setAcked'>;

/** `summaries`: keep the series summaries up to date on append (off only to measure their cost). */
export function seriesQueries(db: Db, { summaries }: { summaries: boolean }): SeriesQueries {
  const q = rowsOf(db);
  const { atomic } = db;
  return {
    appendPoints(trialId: string, key: string, points: ColumnarPoints): Promise<number> {
      const n = points.steps.length;
      return atomic(async (q) => {
        // Creates the series or locks it (appends to one series are serialised), in one round trip.
        const { rows } = await q.query<{ points: number; chunks: number }>(
          `INSERT INTO metric_series (trial_id, key) VALUES ($1, $2)
         ON CONFLICT (trial_id, key) DO UPDATE SET points = metric_series.points RETURNING points, chunks`,
          [trialId, key],
        );
        let { points: total, chunks } = rows[0];
        let done = 0;
        const room = chunks > 0 ? chunks * CHUNK_POINTS - total : 0;
        if (room > 0 && n > 0) {
          done = Math.min(room, n);
          await q.query(
            `UPDATE metric_chunk SET steps = steps || $4, vals = vals || $5, timestamps = timestamps || $6
           WHERE trial_id = $1 AND key = $2 AND chunk = $3`,
            [trialId, key, chunks - 1, ...columnBytes(points, 0, done)],
          );
        }
        for (; done < n; done += CHUNK_POINTS) {
          const end = Math.min(n, done + CHUNK_POINTS);
          await q.query(
            'INSERT INTO metric_chunk (trial_id, key, chunk, steps, vals, timestamps) VALUES ($1, $2, $3, $4, $5, $6)',
            [trialId, key, chunks++, ...columnBytes(points, done, end)],
          );
        }
        if (summaries) await updateSeriesSummaries(q, trialId, key, points, total);
        total += n;
        await q.query('UPDATE metric_series SET points = $3, chunks = $4 WHERE trial_id = $1 AND key = $2', [
          trialId,
          key,
          total,
          chunks,
        ]);
        return total;
      });
    },

    async readSeries(trialId: string, key: string, from = 0, to?: number): Promise<ColumnarPoints> {
      const info = (
        await q<{ points: number }>('SELECT points FROM metric_series WHERE trial_id = $1 AND key = $2', [
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
      const chunks = await q<{
        chunk: number;
        steps: Uint8Array;
        vals: Uint8Array;
        timestamps: Uint8Array;
      }>(
        `SELECT chunk, steps, vals, timestamps FROM metric_chunk
       WHERE trial_id = $1 AND key = $2 AND chunk BETWEEN $3 AND $4 ORDER BY chunk`,
        [trialId, key, Math.floor(from / CHUNK_POINTS), Math.floor((end - 1) / CHUNK_POINTS)],
      );
      for (const c of chunks) {
        const start = c.chunk * CHUNK_POINTS;
        const lo = Math.max(from, start) - start;
        const hi = Math.min(end, start + CHUNK_POINTS) - start;
        const at = start + lo - from;
        out.steps.set(floats(c.steps, lo, hi), at);
        out.values.set(floats(c.vals, lo, hi), at);
        out.timestamps.set(floats(c.timestamps, lo, hi), at);
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
/** Floats `[lo, hi)` of a stored column; copies, as drivers may hand back unaligned buffers. */
function floats(b: Uint8Array, lo: number, hi: number): Float64Array {
  return new Float64Array(b.buffer.slice(b.byteOffset + lo * 8, b.byteOffset + hi * 8));
}
