/**
 * Summaries for series written before the store kept them as it does now, computed from their
 * points in the chunks as if appended again, so their windows are exact like every other series':
 * - series written before migration 2 added summaries get them whole;
 * - series summarised at levels four apart get the levels in between (`ADDED_LEVELS`), and
 *   series summarised without 32-step buckets get those (`ADDED_32_STEP_LEVEL`);
 * - series summarised when ±Infinity counted as extremes are summarised again, whole.
 */
import { CHUNK_POINTS } from '../schema.js';
import type { Queryable } from './driver.js';
import { readChunks } from './series.js';
import {
  float64s,
  SERIES_LEVEL,
  SUMMARY_LEVELS,
  toSeriesSummary,
  updateSeriesSummaries,
} from './summaries.js';
import { decodeRow } from './summary-row-codec.js';

/** Chunks summarised together: bounds the memory a long series needs. */
const CHUNKS_PER_RUN = 16;

interface ChunkedSeries {
  trial_id: string;
  key: string;
  chunks: number;
}

/** Summarises every series that has points and no summary; runs inside the migration's transaction. */
export async function backfillSeriesSummaries(q: Queryable): Promise<void> {
  const { rows } = await q.query<ChunkedSeries>(
    `SELECT s.trial_id, s.key, s.chunks FROM metric_series s
     WHERE s.points > 0 AND NOT EXISTS (
       SELECT 1 FROM series_summary m WHERE m.trial_id = s.trial_id AND m.key = s.key AND m.level = $1)`,
    [SERIES_LEVEL],
  );
  for (const series of rows) await summariseChunks(q, series, SUMMARY_LEVELS);
}

/**
 * The migration step that adds `levels` to every summarised series that lacks them (it lacks them
 * all when it lacks the first); runs inside the migration's transaction.
 */
export function backfillAddedLevels(levels: readonly number[]): (q: Queryable) => Promise<void> {
  return async (q) => {
    // Chunks hold the summarised points, [0, summarized): the tail's are summarised when it is flushed.
    const { rows } = await q.query<ChunkedSeries>(
      `SELECT s.trial_id, s.key, s.chunks FROM metric_series s
       WHERE s.summarized > 0
         AND EXISTS (SELECT 1 FROM series_summary m
                     WHERE m.trial_id = s.trial_id AND m.key = s.key AND m.level = $1)
         AND NOT EXISTS (SELECT 1 FROM series_summary m
                         WHERE m.trial_id = s.trial_id AND m.key = s.key AND m.level = $2)`,
      [SERIES_LEVEL, levels[0]],
    );
    for (const series of rows) await summariseChunks(q, series, levels);
  };
}

/**
 * Summarises again, whole, every series whose header kept ±Infinity as its min or max: the rule
 * was then that they count as extremes, and any bucket holding one may lack its finite extremes
 * (a series holding one has it in its header). Runs inside the migration's transaction.
 */
export async function resummariseInfiniteExtremes(q: Queryable): Promise<void> {
  const { rows } = await q.query<ChunkedSeries & { buckets: Uint8Array }>(
    `SELECT s.trial_id, s.key, s.chunks, m.buckets FROM metric_series s
     JOIN series_summary m ON m.trial_id = s.trial_id AND m.key = s.key AND m.level = $1 AND m.block = 0`,
    [SERIES_LEVEL],
  );
  for (const series of rows) {
    const { min, max } = toSeriesSummary(series.trial_id, series.key, decodeRow(series.buckets, 1));
    const infinite = [min, max].some((p) => p && Math.abs(p.value) === Number.POSITIVE_INFINITY);
    if (!infinite) continue;
    await q.query('DELETE FROM series_summary WHERE trial_id = $1 AND key = $2', [
      series.trial_id,
      series.key,
    ]);
    await summariseChunks(q, series, SUMMARY_LEVELS);
  }
}

/** Summarises the points of a series' chunks at `levels` (every level and the header: all of them). */
async function summariseChunks(
  q: Queryable,
  { trial_id: trialId, key, chunks }: ChunkedSeries,
  levels: readonly number[],
): Promise<void> {
  for (let first = 0; first < chunks; first += CHUNKS_PER_RUN) {
    for (const row of await readChunks(q, trialId, key, first, first + CHUNKS_PER_RUN - 1)) {
      const points = {
        steps: float64s(row.steps),
        values: float64s(row.vals),
        timestamps: float64s(row.timestamps),
      };
      await updateSeriesSummaries(q, trialId, key, points, row.chunk * CHUNK_POINTS, levels);
    }
  }
}
