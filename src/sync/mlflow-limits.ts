/**
 * MLflow's limits, checked when a trial or study is written with sync on: a value MLflow would
 * refuse fails the write with the field's name, instead of failing every later push of the trial.
 */
import { LENGTH_LIMITS, quoteFilterValue } from '../mlflow/index.js';
import { ValidationError } from './errors.js';
import { COMMENT_TAG_PREFIX, desiredRunState, FLAGS_TAG, NOTE_TAG, STARRED_TAG } from './mapping.js';
import type { Trial } from './model.js';

/** A value longer than MLflow accepts, or a trial id MLflow's search cannot express. `path` names the field. */
export class MlflowLimitError extends ValidationError {
  override name = 'MlflowLimitError';
}

function checkLength(path: string, value: string, limit: number): void {
  if (value.length > limit)
    throw new MlflowLimitError(
      `invalid trial at ${path}: ${value.length} characters, MLflow allows ${limit}`,
      path,
    );
}

/** Where a run tag comes from in the trial. */
function fieldOfTag(key: string): string {
  if (key === NOTE_TAG) return 'notes';
  if (key === FLAGS_TAG) return 'flags';
  if (key === STARRED_TAG) return 'starred';
  if (key.startsWith(COMMENT_TAG_PREFIX)) return `comments.${key.slice(COMMENT_TAG_PREFIX.length)}`;
  return `tags.${key}`;
}

/** @throws MlflowLimitError for a param over 6,000 characters, a tag, notes or flags over 8,000, or an id MLflow's filters cannot quote. */
export function checkTrialLimits(trial: Trial): void {
  if (quoteFilterValue(trial.id) === undefined)
    throw new MlflowLimitError(
      `invalid trial at id: MLflow's search cannot express an id holding both ' and " or ending in \\`,
      'id',
    );
  const run = desiredRunState(trial);
  for (const [key, value] of Object.entries(run.params))
    checkLength(`params.${key}`, value, LENGTH_LIMITS.paramValue);
  for (const [key, value] of Object.entries(run.tags))
    checkLength(fieldOfTag(key), value, LENGTH_LIMITS.tagValue);
}

/** @throws MlflowLimitError when the study's experiment name is over MLflow's 500 characters. */
export function checkExperimentName(name: string): void {
  if (name.length > LENGTH_LIMITS.experimentName)
    throw new MlflowLimitError(
      `invalid study at name: experiment name of ${name.length} characters, MLflow allows ${LENGTH_LIMITS.experimentName}`,
      'name',
    );
}
