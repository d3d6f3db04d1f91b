/**
 * Series summaries from points, and merged as `metrics.summary` events arrive: the same orders as
 * storage keeps them (`first`/`last` by step, ties by arrival; `min`/`max` by value over the
 * finite values, ties to the lower step, then the earlier arrival).
 */
import type { MetricBatch, SeriesPoint, SeriesSummary } from './events.js';

/** The summary of one batch of points (undefined for an empty batch). */
export function summarizeBatch(batch: MetricBatch): SeriesSummary | undefined {
  const n = batch.steps.length;
  if (n === 0) return undefined;
  const at = (i: number): SeriesPoint => ({
    step: batch.steps[i],
    value: batch.values[i],
    timestamp: batch.timestamps[i],
  });
  let first = 0;
  let last = 0;
  let min = -1;
  let max = -1;
  for (let i = 0; i < n; i++) {
    const step = batch.steps[i];
    const value = batch.values[i];
    if (step < batch.steps[first]) first = i;
    if (step >= batch.steps[last]) last = i;
    if (!Number.isFinite(value)) continue;
    if (min < 0 || value < batch.values[min] || (value === batch.values[min] && step < batch.steps[min]))
      min = i;
    if (max < 0 || value > batch.values[max] || (value === batch.values[max] && step < batch.steps[max]))
      max = i;
  }
  return {
    trialId: batch.trialId,
    key: batch.key,
    count: n,
    first: at(first),
    last: at(last),
    min: min < 0 ? null : at(min),
    max: max < 0 ? null : at(max),
  };
}

/** `held` updated with `later`, the summary of points appended after those `held` covers. */
export function mergeSeriesSummary(held: SeriesSummary, later: SeriesSummary): SeriesSummary {
  const lower = (a: SeriesPoint | null, b: SeriesPoint | null) =>
    !a || (b && (b.value < a.value || (b.value === a.value && b.step < a.step))) ? b : a;
  const higher = (a: SeriesPoint | null, b: SeriesPoint | null) =>
    !a || (b && (b.value > a.value || (b.value === a.value && b.step < a.step))) ? b : a;
  return {
    trialId: held.trialId,
    key: held.key,
    count: held.count + later.count,
    first: later.first.step < held.first.step ? later.first : held.first,
    last: later.last.step >= held.last.step ? later.last : held.last,
    min: lower(held.min, later.min),
    max: higher(held.max, later.max),
  };
}
