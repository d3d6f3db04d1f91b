/**
 * How a trial looks in MLflow and back: params as strings, the trial's tags plus trialkit's own
 * (`trialkit.*`), notes as MLflow's run description, status mapped both ways.
 */
import type { Run, RunStatus } from '../mlflow/index.js';
import { TrialStatus } from '../protocol/events.js';
import type { RemoteState, Trial } from './model.js';

/** The idempotency marker: the run of trial X carries `trialkit.trial_id = X`. */
export const TRIAL_ID_TAG = 'trialkit.trial_id';
export const STUDY_ID_TAG = 'trialkit.study_id';
const NUMBER_TAG = 'trialkit.trial_number';
/** MLflow cannot say `pruned` (it has KILLED only), so the exact status also travels as a tag. */
const STATUS_TAG = 'trialkit.status';
const FLAGS_TAG = 'trialkit.flags';
/** MLflow's run description, shown in its UI. */
export const NOTE_TAG = 'mlflow.note.content';

const TO_MLFLOW: Record<TrialStatus, RunStatus> = {
  pending: 'SCHEDULED',
  running: 'RUNNING',
  succeeded: 'FINISHED',
  failed: 'FAILED',
  pruned: 'KILLED',
  cancelled: 'KILLED',
};
const FROM_MLFLOW: Record<RunStatus, TrialStatus> = {
  SCHEDULED: 'pending',
  RUNNING: 'running',
  FINISHED: 'succeeded',
  FAILED: 'failed',
  KILLED: 'cancelled',
};

export function toRunStatus(status: TrialStatus): RunStatus {
  return TO_MLFLOW[status];
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
  return {
    params,
    tags,
    status: TO_MLFLOW[trial.status],
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

/** The trial status a run's status means; `trialkit.status` tells pruned from cancelled. */
export function trialStatusOf(run: Run): TrialStatus {
  const mapped = FROM_MLFLOW[run.info.status] ?? TrialStatus.Running;
  const tagged = run.data.tags[STATUS_TAG] as TrialStatus | undefined;
  return tagged && TO_MLFLOW[tagged] === run.info.status ? tagged : mapped;
}

/** The trial fields a run carries (new trial: all of them; known trial: merged by the caller). */
export function trialFieldsOf(
  run: Run,
): Pick<Trial, 'status' | 'params' | 'tags' | 'flags'> & Partial<Trial> {
  const tags = Object.fromEntries(
    Object.entries(managedTags(run.data.tags)).filter(([k]) => !k.startsWith('trialkit.') && k !== NOTE_TAG),
  );
  const flags = run.data.tags[FLAGS_TAG]?.split(',').filter(Boolean) ?? [];
  const notes = run.data.tags[NOTE_TAG];
  return {
    status: trialStatusOf(run),
    params: { ...run.data.params },
    tags,
    flags,
    ...(notes !== undefined && { notes }),
    ...(run.info.startTime !== undefined && { startedAt: run.info.startTime }),
    ...(run.info.endTime !== undefined && { endedAt: run.info.endTime }),
  };
}
