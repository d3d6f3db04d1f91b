/**
 * Which study the dashboard shows, and whether a store change concerns it: the dashboard rebuilds
 * its per-study summary only when a change can alter it.
 */
import type { StoreChange, TrialStore } from '../../client/index.js';
import type { Study } from '../../protocol/index.js';

/** The study with id (else name) `study`; without one, the newest study. */
export function findStudy(store: TrialStore, study: string | undefined): Study | undefined {
  if (study) return store.getStudy(study) ?? studyNamed(store, study);
  let newest: Study | undefined;
  for (const candidate of store.studies.values()) {
    if (!newest || candidate.createdAt > newest.createdAt) newest = candidate;
  }
  return newest;
}

/** The newest study named `name`: hand-written links name a study rather than give its id. */
function studyNamed(store: TrialStore, name: string): Study | undefined {
  let found: Study | undefined;
  for (const study of store.studies.values()) {
    if (study.name === name && (!found || study.createdAt > found.createdAt)) found = study;
  }
  return found;
}

/** Whether a change can alter what the header or the metric picker show for the study. */
export function touchesStudy(change: StoreChange, store: TrialStore, studyId: string | undefined): boolean {
  if (change.reset || !studyId) return true;
  if (change.studies.has(studyId)) return true;
  const objective = store.getStudy(studyId)?.objective?.metric;
  for (const id of change.trials) {
    // A removed trial is gone from the store; it may have been this study's.
    const trial = store.getTrial(id);
    if (!trial || trial.studyId === studyId) return true;
  }
  for (const { trialId, key, from } of change.series.values()) {
    // from === 0: a new series, perhaps a new metric key; otherwise only the objective's values matter.
    if ((from === 0 || key === objective) && store.getTrial(trialId)?.studyId === studyId) return true;
  }
  return false;
}
