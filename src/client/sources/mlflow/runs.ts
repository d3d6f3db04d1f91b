/** How an MLflow run looks as a trial, and the searches that find changed runs. */
import type { Run } from '../../../mlflow/index.js';
import {
  type RegisteredModelVersion,
  type Trial,
  trialFieldsOf,
  trialNumberOf,
} from '../../../protocol/index.js';

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

/**
 * One trial per run, read by the mapping the sync engine shares; its id is the run id. `number`
 * is used unless the run carries its own; `models` (the registry's versions of the run) only when
 * there are some.
 */
export function trialOf(
  run: Run,
  number: number,
  studyId: string,
  models?: readonly RegisteredModelVersion[],
): Trial {
  const { runId, experimentId } = run.info;
  return {
    id: runId,
    studyId,
    number: trialNumberOf(run) ?? number,
    ...trialFieldsOf(run),
    mlflow: { experimentId, runId },
    ...(models?.length && { models: [...models] }),
  };
}
