/**
 * Summaries for series written before the store kept them (migration 2 added them for appends
 * from then on): each such series is read back in runs of chunks and summarised as if appended
 * again, so its windows are exact like every other series'.
 */
import { CHUNK_POINTS } from '../schema.js';
import type { Queryable } from './driver.js';
import { float64s, SERIES_LEVEL, updateSeriesSummaries } from './summaries.js';

/** Chunks summarised together: bounds the memory a long series needs. */
const CHUNKS_PER_RUN = 16;

/** Summarises every series that has points and no summary; runs inside the migration's transaction. */
export async function backfillSeriesSummaries(q: Queryable): Promise<void> {
  const { rows: series } = await q.query<{ trial_id: string; key: string; chunks: number }>(
    `SELECT s.trial_id, s.key, s.chunks FROM metric_series s
     WHERE s.points > 0 AND NOT EXISTS (
       SELECT 1 FROM series_summary m WHERE m.trial_id = s.trial_id AND m.key = s.key AND m.level = $1)`,
    [SERIES_LEVEL],
  );
  for (const { trial_id: trialId, key, chunks } of series) {
    for (let first = 0; first < chunks; first += CHUNKS_PER_RUN) {
      const { rows } = await q.query<{
        chunk: number;
        steps: Uint8Array;
        vals: Uint8Array;
        timestamps: Uint8Array;
      }>(
        `SELECT chunk, steps, vals, timestamps FROM metric_chunk
         WHERE trial_id = $1 AND key = $2 AND chunk BETWEEN $3 AND $4 ORDER BY chunk`,
        [trialId, key, first, first + CHUNKS_PER_RUN - 1],
      );
      for (const row of rows) {
        const points = {
          steps: float64s(row.steps),
          values: float64s(row.vals),
          timestamps: float64s(row.timestamps),
        };
        await updateSeriesSummaries(q, trialId, key, points, row.chunk * CHUNK_POINTS);
      }
    }
  }
}
