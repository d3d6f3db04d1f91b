/** Fetches, for one poll, the metric points MLflow holds beyond what the poller has. */
import { BULK_INTERVAL_LIMITS, type MlflowClient, mapConcurrently, type Run } from '../../../mlflow/index.js';
import type { Fetched, RunState } from './followed.js';
import { fetchHistories, fetchNewPoints, hasNewPoints, markOf } from './metrics.js';

/**
 * New points of every series of `runs` whose latest point moved on past what `known` holds.
 * Series seen for the first time come in bulk (one request per key and 100 runs); the others one
 * request each, for the steps after the last one held. At most `concurrency` requests at once.
 */
export async function fetchChangedPoints(
  client: MlflowClient,
  known: ReadonlyMap<string, RunState>,
  runs: readonly Run[],
  concurrency: number,
  signal: AbortSignal,
): Promise<Fetched[]> {
  const jobs: (() => Promise<Fetched[]>)[] = [];
  const unseen = new Map<string, string[]>();
  for (const run of runs) {
    const runId = run.info.runId;
    for (const latest of run.data.latestMetrics) {
      const held = markOf(known.get(runId)?.series.get(latest.key));
      if (!hasNewPoints(latest, held)) continue;
      if (!held) {
        const waiting = unseen.get(latest.key);
        if (waiting) waiting.push(runId);
        else unseen.set(latest.key, [runId]);
        continue;
      }
      jobs.push(async () => {
        const points = await fetchNewPoints(client, runId, latest.key, held, latest.step, signal);
        return [{ runId, key: latest.key, points }];
      });
    }
  }
  for (const [key, runIds] of unseen) {
    for (let i = 0; i < runIds.length; i += BULK_INTERVAL_LIMITS.runs) {
      const chunk = runIds.slice(i, i + BULK_INTERVAL_LIMITS.runs);
      jobs.push(async () => {
        const histories = await fetchHistories(client, chunk, key, signal);
        return [...histories].map(([runId, points]) => ({ runId, key, points }));
      });
    }
  }
  return (await mapConcurrently(jobs, concurrency, (job) => job())).flat();
}
