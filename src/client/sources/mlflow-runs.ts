/** How an MLflow experiment and its runs look as a study and its trials. */
import type { Experiment, Run, RunStatus } from '../../mlflow/index.js';
import type { Study, Trial, TrialStatus } from '../../protocol/index.js';

const STATUS: Record<RunStatus, TrialStatus> = {
  RUNNING: 'running',
  SCHEDULED: 'pending',
  FINISHED: 'succeeded',
  FAILED: 'failed',
  KILLED: 'cancelled',
};

/** Tags trialkit's sync engine writes on the runs it creates; honoured when present. */
const NUMBER_TAG = 'trialkit.trial_number';
const FLAGS_TAG = 'trialkit.flags';
const NOTE_TAG = 'mlflow.note.content';

/** A search filter for the runs that may still change: those neither finished, failed nor killed. */
export const ACTIVE_RUNS =
  "attributes.status != 'FINISHED' and attributes.status != 'FAILED' and attributes.status != 'KILLED'";

/** A search filter for runs started at or after `time` (ms). */
export function startedSince(time: number): string {
  return `attributes.start_time >= ${Math.floor(time)}`;
}

/** A search filter for the runs with these ids (MLflow accepts a list for `run_id` only). */
export function runIdIn(ids: readonly string[]): string {
  return `attributes.run_id IN (${ids.map((id) => `'${id.replace(/'/g, "\\'")}'`).join(', ')})`;
}

/** Whether a run may still log: it is running or scheduled. */
export function isActive(run: Run): boolean {
  return run.info.status === 'RUNNING' || run.info.status === 'SCHEDULED';
}

/** One study per experiment; its id is the experiment id. */
export function studyOf(experiment: Experiment): Study {
  return {
    id: experiment.experimentId,
    name: experiment.name,
    status: 'running',
    createdAt: experiment.creationTime ?? 0,
    tags: { ...experiment.tags },
    mlflow: { experimentId: experiment.experimentId },
  };
}

/** One trial per run; its id is the run id. `number` is used unless the run carries its own. */
export function trialOf(run: Run, number: number): Trial {
  const { info, data } = run;
  const tagged = Number(data.tags[NUMBER_TAG]);
  const flags = data.tags[FLAGS_TAG];
  const trial: Trial = {
    id: info.runId,
    studyId: info.experimentId,
    number: Number.isInteger(tagged) && tagged >= 0 ? tagged : number,
    status: STATUS[info.status] ?? 'running',
    params: { ...data.params },
    tags: { ...data.tags },
    flags: flags ? flags.split(',').filter(Boolean) : [],
    mlflow: { experimentId: info.experimentId, runId: info.runId },
  };
  if (info.startTime !== undefined) trial.startedAt = info.startTime;
  if (info.endTime !== undefined) trial.endedAt = info.endTime;
  if (data.tags[NOTE_TAG] !== undefined) trial.notes = data.tags[NOTE_TAG];
  return trial;
}
