/**
 * Fetches the points of one MLflow metric that a store does not hold yet. MLflow has no "points
 * after step N" call, but its bulk-interval endpoint takes a step range and returns every point in
 * it when there are fewer than its cap (it samples above that), so a range that hits the cap is
 * split until each part comes back whole.
 */
import type { MetricPoint, MlflowClient } from '../../mlflow/index.js';
import { BULK_INTERVAL_LIMITS } from '../../mlflow/limits.js';

/** The last point held of a series: the highest step, and the latest timestamp at that step. */
export interface SeriesMark {
  step: number;
  timestamp: number;
}

const CAP = BULK_INTERVAL_LIMITS.pointsPerRun;

/** Whether MLflow's latest point of a metric is newer than what is held. */
export function hasNewPoints(latest: SeriesMark, held: SeriesMark | undefined): boolean {
  return !held || latest.step > held.step || (latest.step === held.step && latest.timestamp > held.timestamp);
}

/**
 * The points of `key` newer than `held` (every point when nothing is held), ordered by step then
 * timestamp. `upTo` is the latest step MLflow reported; later points wait for the next poll.
 */
export async function fetchNewPoints(
  client: MlflowClient,
  runId: string,
  key: string,
  held: SeriesMark | undefined,
  upTo: number,
  signal: AbortSignal,
): Promise<MetricPoint[]> {
  if (!held) return sortPoints(await client.getMetricHistory(runId, key, { signal }));
  const points = await fetchRange(client, runId, key, held.step, upTo, signal);
  return points.filter((p) => p.step > held.step || p.timestamp > held.timestamp);
}

async function fetchRange(
  client: MlflowClient,
  runId: string,
  key: string,
  from: number,
  to: number,
  signal: AbortSignal,
): Promise<MetricPoint[]> {
  const points = await client.getMetricHistoryBulkInterval(
    { runIds: [runId], metricKey: key, startStep: from, endStep: to, maxResults: CAP },
    { signal },
  );
  if (points.length < CAP) return sortPoints(points);
  if (from === to) {
    // More than the cap at one step (a loop logging without a step): only the full history has them all.
    const all = await client.getMetricHistory(runId, key, { signal });
    return sortPoints(all.filter((p) => p.step === from));
  }
  const mid = Math.floor((from + to) / 2);
  const low = await fetchRange(client, runId, key, from, mid, signal);
  const high = await fetchRange(client, runId, key, mid + 1, to, signal);
  return [...low, ...high];
}

function sortPoints(points: MetricPoint[]): MetricPoint[] {
  return points.sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
}

/** The mark of the last of `points` (sorted), or `held` when there are none. */
export function markOf(points: readonly MetricPoint[], held: SeriesMark | undefined): SeriesMark | undefined {
  const last = points.at(-1);
  return last ? { step: last.step, timestamp: last.timestamp } : held;
}
