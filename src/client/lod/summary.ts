/**
 * Series summaries on the client: what a v2 snapshot and `metrics.summary` events carry instead of
 * raw points, merged as batches arrive, and the same summary computed from raw points for v1
 * producers. The table's "last" and "best" columns read these, never the points.
 */
import type { SeriesPoint, SeriesSummary } from '../../protocol/index.js';

/**
 * The summary of `held` followed by `next` (a later batch of the same series): counts add up, the
 * first point is the earlier by step (ties: `held`'s), the last the later by step (ties: `next`'s,
 * the newer), and the extremes combine (ties: `held`'s).
 */
export function mergeSummary(held: SeriesSummary, next: SeriesSummary): SeriesSummary {
  return {
    trialId: held.trialId,
    key: held.key,
    count: held.count + next.count,
    first: next.first.step < held.first.step ? next.first : held.first,
    last: next.last.step >= held.last.step ? next.last : held.last,
    min: extreme(held.min, next.min, (a, b) => a < b),
    max: extreme(held.max, next.max, (a, b) => a > b),
  };
}

function extreme(
  held: SeriesPoint | null,
  next: SeriesPoint | null,
  better: (a: number, b: number) => boolean,
): SeriesPoint | null {
  if (!held) return next;
  if (!next) return held;
  return better(next.value, held.value) ? next : held;
}

/** Columns of raw points in any order, as a batch or a series holds them. */
export interface PointColumns {
  readonly steps: ArrayLike<number>;
  readonly values: ArrayLike<number>;
  readonly timestamps: ArrayLike<number>;
}

/** The summary of raw points (undefined when there are none), by the rules of {@link mergeSummary}. */
export function summarizePoints(
  trialId: string,
  key: string,
  points: PointColumns,
): SeriesSummary | undefined {
  const n = points.steps.length;
  if (n === 0) return undefined;
  const at = (i: number): SeriesPoint => ({
    step: points.steps[i],
    value: points.values[i],
    timestamp: points.timestamps[i],
  });
  let first = 0;
  let last = 0;
  let min = -1;
  let max = -1;
  for (let i = 0; i < n; i++) {
    const step = points.steps[i];
    const value = points.values[i];
    if (step < points.steps[first]) first = i;
    if (step >= points.steps[last]) last = i;
    if (!Number.isFinite(value)) continue;
    if (min < 0 || value < points.values[min]) min = i;
    if (max < 0 || value > points.values[max]) max = i;
  }
  return {
    trialId,
    key,
    count: n,
    first: at(first),
    last: at(last),
    min: min < 0 ? null : at(min),
    max: max < 0 ? null : at(max),
  };
}
