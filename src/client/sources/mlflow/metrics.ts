/**
 * Fetches the points of one MLflow metric that a store does not hold yet. MLflow has no "points
 * after step N" call, but its bulk-interval endpoint takes a step range and returns every point in
 * it when there are fewer than its cap (it samples above that), so a range that hits the cap is
 * split until each part comes back whole.
 */
import { BULK_INTERVAL_LIMITS, type MetricPoint, type MlflowClient } from '../../../mlflow/index.js';

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
 * Every point of `key` for up to 100 runs (MLflow's limit), each run's ordered by step then
 * timestamp: one request for all runs, and a paged history for a run with more than the cap.
 */
export async function fetchHistories(
  client: MlflowClient,
  runIds: readonly string[],
  key: string,
  signal: AbortSignal,
): Promise<Map<string, MetricPoint[]>> {
  const points = await client.getMetricHistoryBulkInterval(
    { runIds: [...runIds], metricKey: key, maxResults: CAP },
    { signal },
  );
  const byRun = new Map<string, MetricPoint[]>(runIds.map((id) => [id, []]));
  for (const point of points) byRun.get(point.runId)?.push(point);
  for (const [runId, run] of byRun) {
    const whole = run.length < CAP ? run : await client.getMetricHistory(runId, key, { signal });
    byRun.set(runId, sortPoints(whole));
  }
  return byRun;
}

/** Steps behind the last one held that a poll reads again, at least: see {@link fetchNewPoints}. */
export const LOOKBACK_STEPS = 64;
const MAX_LOOKBACK_STEPS = 100_000;

/**
 * The points of `key` that `held` lacks, up to step `upTo` (the latest MLflow reported; later
 * points wait for the next poll), ordered by step then timestamp. Points may reach MLflow out of
 * step order (asynchronous logging, several writers of one key): the steps behind the last one
 * held are read again too — as many as the poll moves on, and at least {@link LOOKBACK_STEPS} —
 * and what arrived there since is added. A run's whole history is read once more as it ends
 * (see `changed-points.ts`), for points logged further back.
 */
export async function fetchNewPoints(
  client: MlflowClient,
  runId: string,
  key: string,
  held: HeldSeries,
  upTo: number,
  signal: AbortSignal,
): Promise<MetricPoint[]> {
  const last = held.steps[held.steps.length - 1];
  // A run that leapt by a vast number of steps is not read again as far back: its end will be.
  const from = last - Math.max(LOOKBACK_STEPS, Math.min(upTo - last, MAX_LOOKBACK_STEPS));
  return missingFrom(held, await fetchRange(client, runId, key, from, upTo, signal));
}

/** The points of `points` (ordered by step) that `held` does not have: same step, timestamp and value. */
export function missingFrom(held: HeldSeries, points: readonly MetricPoint[]): MetricPoint[] {
  if (points.length === 0) return [];
  const has = new Set<string>();
  const { steps, values, timestamps } = held;
  for (let i = firstAtOrAbove(steps, points[0].step); i < steps.length; i++)
    has.add(`${steps[i]} ${timestamps[i]} ${values[i]}`);
  return points.filter((p) => !has.has(`${p.step} ${p.timestamp} ${p.value}`));
}

/** Adds points to a held series, keeping it in step, then timestamp, order. */
export function addPoints(held: HeldSeries, points: readonly MetricPoint[]): void {
  const inOrder = held.steps.length === 0 || points[0].step >= held.steps[held.steps.length - 1];
  for (const p of points) {
    held.steps.push(p.step);
    held.values.push(p.value);
    held.timestamps.push(p.timestamp);
  }
  if (inOrder) return;
  const order = held.steps.map((_, i) => i);
  order.sort((a, b) => held.steps[a] - held.steps[b] || held.timestamps[a] - held.timestamps[b]);
  for (const column of [held.steps, held.values, held.timestamps]) {
    const sorted = order.map((i) => column[i]);
    for (let i = 0; i < sorted.length; i++) column[i] = sorted[i];
  }
}

/**
 * The first index of ascending `steps` at or above `step`. (Not d3-array's `bisectLeft`: importing
 * d3-array here splits it into a chunk of its own that the page's first script then loads, 0.4 KB more.)
 */
function firstAtOrAbove(steps: readonly number[], step: number): number {
  let lo = 0;
  let hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (steps[mid] < step) lo = mid + 1;
    else hi = mid;
  }
  return lo;
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

/** The points held of one series, columnar, as a snapshot sends them. */
export interface HeldSeries {
  steps: number[];
  values: number[];
  timestamps: number[];
}

/** The last point held of a series (its points are in step, then timestamp, order). */
export function markOf(held: HeldSeries | undefined): SeriesMark | undefined {
  const last = held ? held.steps.length - 1 : -1;
  return held && last >= 0 ? { step: held.steps[last], timestamp: held.timestamps[last] } : undefined;
}

export function columnsOf(points: readonly MetricPoint[]): HeldSeries {
  return {
    steps: points.map((p) => p.step),
    values: points.map((p) => p.value),
    timestamps: points.map((p) => p.timestamp),
  };
}
