/**
 * What the run list and the dashboard's header show about a study: how many trials are done, and
 * which trial is best by the study's objective. Reads each series' running min/max, so it costs one lookup per trial
 * however long the curves are.
 */
import type { TrialStore } from '../../client/index.js';
import type { Study, Trial } from '../../protocol/index.js';
import { TERMINAL_STATUSES } from './status.js';

export interface StudySummary {
  /** Trials in a terminal status. */
  readonly done: number;
  /** Trials the store holds for the study. */
  readonly total: number;
  /** Trials currently running. */
  readonly running: number;
  /** The trial with the best objective value so far, if the study has an objective and any values. */
  readonly best?: { readonly trial: Trial; readonly value: number };
}

export function summarizeStudy(store: TrialStore, study: Study): StudySummary {
  const objective = study.objective;
  let done = 0;
  let running = 0;
  let best: StudySummary['best'];
  const trials = store.trialsOf(study.id);
  for (const trial of trials) {
    if (TERMINAL_STATUSES.has(trial.status)) done++;
    else if (trial.status === 'running') running++;
    if (!objective) continue;
    const value = store.bestValue(trial.id, objective.metric, objective.direction);
    if (value === undefined) continue;
    const better = !best || (objective.direction === 'minimize' ? value < best.value : value > best.value);
    if (better) best = { trial, value };
  }
  return { done, total: trials.length, running, best };
}
