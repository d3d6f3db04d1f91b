/**
 * What the sync engine adds to the shared run mapping (`protocol/run-mapping.ts`): the run state a
 * trial should have (params as strings, the trial's tags plus trialkit's own, notes as the run
 * description), the remote state it keeps, and which tags it manages.
 */
import type { Run, RunStatus } from '../mlflow/index.js';
import {
  FLAGS_TAG,
  NOTE_TAG,
  NUMBER_TAG,
  RUN_STATUS_OF,
  type RunTrialFields,
  runStatusOf,
  trialFieldsOf as runTrialFields,
  STATUS_TAG,
  STUDY_ID_TAG,
  TRIAL_ID_TAG,
  type TrialStatus,
  teamTagsOf,
  userTagsOf,
} from '../protocol/index.js';
import type { RemoteState, Trial } from './model.js';

export {
  COMMENT_TAG_PREFIX,
  FLAGS_TAG,
  NOTE_TAG,
  STARRED_TAG,
  STUDY_ID_TAG,
  TRIAL_ID_TAG,
} from '../protocol/index.js';
/** The status a run's status means: the engine writes statuses back, so it reads the run's own, not Optuna's tag. */
export const trialStatusOf = runStatusOf;

export function toRunStatus(status: TrialStatus): RunStatus {
  return RUN_STATUS_OF[status];
}

export interface DesiredRun {
  params: Record<string, string>;
  tags: Record<string, string>;
  status: RunStatus;
  endTime?: number;
}

/** What the trial's run should hold (metrics aside). */
export function desiredRunState(trial: Trial): DesiredRun {
  const params = Object.fromEntries(Object.entries(trial.params).map(([k, v]) => [k, String(v)]));
  const tags: Record<string, string> = {
    ...trial.tags,
    [TRIAL_ID_TAG]: trial.id,
    [STUDY_ID_TAG]: trial.studyId,
    [NUMBER_TAG]: String(trial.number),
    [STATUS_TAG]: trial.status,
  };
  if (trial.flags.length) tags[FLAGS_TAG] = trial.flags.join(',');
  if (trial.notes !== undefined) tags[NOTE_TAG] = trial.notes;
  Object.assign(tags, teamTagsOf(trial));
  return {
    params,
    tags,
    status: RUN_STATUS_OF[trial.status],
    ...(trial.endedAt !== undefined && { endTime: trial.endedAt }),
  };
}

/**
 * Tags trialkit manages in MLflow: everything but MLflow's own `mlflow.*` system tags (its run
 * description excepted). Only these are compared, imported, or deleted when a trial drops one.
 */
export function managedTags(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).filter(([k]) => !k.startsWith('mlflow.') || k === NOTE_TAG));
}

/** The run's state as the remote bookkeeping keeps it. */
export function remoteOf(run: Run): RemoteState {
  return {
    params: { ...run.data.params },
    tags: managedTags(run.data.tags),
    status: run.info.status,
    ...(run.info.endTime !== undefined && { endTime: run.info.endTime }),
  };
}

/**
 * The trial fields a run carries, with every tag trialkit manages (new trial: all of them; known
 * trial: merged by the caller). Unlike a reader's, the engine keeps Optuna's tags and the run's own
 * status: it writes both back, and must not drop the one or turn FINISHED into KILLED.
 */
export function trialFieldsOf(run: Run): RunTrialFields {
  const fields = runTrialFields(run);
  return { ...fields, status: runStatusOf(run), tags: managedTags(userTagsOf(run)) };
}
