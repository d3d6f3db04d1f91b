/** What the run list shows about a study besides its own fields: progress and best value so far. */
import type { TrialStore } from '../client/store.js';
import type { Study } from '../protocol/events.js';

export interface StudySummary {
  /** Trials that reached an outcome (succeeded, failed, pruned or cancelled). */
  readonly done: number;
  /** Every trial, in any state. */
  readonly total: number;
  /** The best objective value any trial logged, by the objective's direction; undefined without one. */
  readonly best?: number;
}

/** Reads a study's trials and their objective series. O(trials of the study). */
export function summarize(store: TrialStore, study: Study): StudySummary {
  const trials = store.trialsOf(study.id);
  const objective = study.objective;
  const maximize = objective?.direction === 'maximize';
  let done = 0;
  let best = maximize ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  for (const trial of trials) {
    if (trial.status !== 'running' && trial.status !== 'pending') done++;
    const series = objective ? store.getSeries(trial.id, objective.metric) : undefined;
    if (!series || Number.isNaN(series.min)) continue;
    best = maximize ? Math.max(best, series.max) : Math.min(best, series.min);
  }
  return { done, total: trials.length, best: Number.isFinite(best) ? best : undefined };
}
