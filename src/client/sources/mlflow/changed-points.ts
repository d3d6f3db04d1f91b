/** Fetches, for one poll, the metric points MLflow holds beyond what the poller has. */
import { BULK_INTERVAL_LIMITS, type MlflowClient, mapConcurrently, type Run } from '../../../mlflow/index.js';
import type { Fetched, RunState } from './followed.js';
import { fetchHistories, fetchNewPoints, hasNewPoints, markOf, missingFrom } from './metrics.js';
import { isActive } from './runs.js';

/**
 * New points of every series of `runs` whose latest point moved on past what `known` holds.
 * Series seen for the first time come in bulk (one request per key and 100 runs); the others one
 * request each, for the steps after the last one held and some before it (see `fetchNewPoints`).
 * A run that has just ended has its series read whole once more, in bulk, and what they lack is
 * added: points may reach MLflow at any step, late (asynchronous logging, several writers), and
 * only a moving latest point tells a poll to look. At most `concurrency` requests at once.
 */
export async function fetchChangedPoints(
  client: MlflowClient,
  known: ReadonlyMap<string, RunState>,
  runs: readonly Run[],
  concurrency: number,
  signal: AbortSignal,
): Promise<Fetched[]> {
  const jobs: (() => Promise<Fetched[]>)[] = [];
  // Runs to read whole, by key: never seen, or seen running and now ended.
  const whole = new Map<string, string[]>();
  const readWhole = (key: string, runId: string) => {
    const waiting = whole.get(key);
    if (waiting) waiting.push(runId);
    else whole.set(key, [runId]);
  };
  for (const run of runs) {
    const runId = run.info.runId;
    const state = known.get(runId);
    const ended = state?.active === true && !isActive(run);
    for (const latest of run.data.latestMetrics) {
      const held = state?.series.get(latest.key);
      if (ended && held?.steps.length) readWhole(latest.key, runId);
      else if (!hasNewPoints(latest, markOf(held))) continue;
      else if (!held?.steps.length) readWhole(latest.key, runId);
      else
        jobs.push(async () => {
          const points = await fetchNewPoints(client, runId, latest.key, held, latest.step, signal);
          return [{ runId, key: latest.key, points }];
        });
    }
  }
  for (const [key, runIds] of whole) {
    for (let i = 0; i < runIds.length; i += BULK_INTERVAL_LIMITS.runs) {
      const chunk = runIds.slice(i, i + BULK_INTERVAL_LIMITS.runs);
      jobs.push(async () => {
        const histories = await fetchHistories(client, chunk, key, signal);
        return [...histories].map(([runId, points]) => {
          const held = known.get(runId)?.series.get(key);
          return { runId, key, points: held ? missingFrom(held, points) : points };
        });
      });
    }
  }
  return (await mapConcurrently(jobs, concurrency, (job) => job())).flat();
}
