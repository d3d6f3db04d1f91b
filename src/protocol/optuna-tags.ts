/**
 * What Optuna's MLflow callback (`optuna_integration.MLflowCallback`) tells MLflow about a trial,
 * read back: it tags each run with the trial's `number`, its `state`, the study's `direction` and
 * one `<param>_distribution` per parameter. The run mapping turns the first two into trial fields;
 * the MLflow source turns the others into the study's objective and search space.
 */
import type { TrialStatus } from './events.js';

/** The tags the callback writes on every run it logs (a run tagged with both is Optuna's). */
export const OPTUNA_NUMBER_TAG = 'number';
export const OPTUNA_START_TAG = 'datetime_start';
export const OPTUNA_COMPLETE_TAG = 'datetime_complete';
export const OPTUNA_STATE_TAG = 'state';
export const OPTUNA_DIRECTION_TAG = 'direction';
const DISTRIBUTION_SUFFIX = '_distribution';
/**
 * The study tag that keeps a multi-objective study's directions, in objective order
 * (`minimize,maximize`): the study's `objective` holds the first only, and views that plot
 * `value_1`… against it need theirs.
 */
export const OBJECTIVE_DIRECTIONS_TAG = 'optuna.directions';

/** The trial status each Optuna trial state reads as. */
const STATUS_OF_STATE: Record<string, TrialStatus> = {
  COMPLETE: 'succeeded',
  PRUNED: 'pruned',
  FAIL: 'failed',
  RUNNING: 'running',
  WAITING: 'pending',
};

/** Whether Optuna's callback logged the run: it always writes `number` and `datetime_start`. */
export function isOptunaRun(tags: Readonly<Record<string, string>>): boolean {
  return /^\d+$/.test(tags[OPTUNA_NUMBER_TAG] ?? '') && tags[OPTUNA_START_TAG] !== undefined;
}

/** The trial number and status an Optuna run's tags say, and the tags that became them. */
export function optunaTrialFields(tags: Readonly<Record<string, string>>): {
  number?: number;
  status?: TrialStatus;
  /** How long the trial ran, by Optuna's clock (its start and completion times), in milliseconds. */
  durationMs?: number;
  /** Tags shown as fields (of the trial or its study), so not among the trial's tags. */
  fieldTags: string[];
} {
  if (!isOptunaRun(tags)) return { fieldTags: [] };
  const status = STATUS_OF_STATE[tags[OPTUNA_STATE_TAG] ?? ''];
  const durationMs = pythonTime(tags[OPTUNA_COMPLETE_TAG]) - pythonTime(tags[OPTUNA_START_TAG]);
  return {
    number: Number(tags[OPTUNA_NUMBER_TAG]),
    ...(status && { status }),
    ...(durationMs >= 0 && { durationMs }),
    fieldTags: [
      OPTUNA_NUMBER_TAG,
      OPTUNA_STATE_TAG,
      OPTUNA_DIRECTION_TAG,
      OPTUNA_START_TAG,
      OPTUNA_COMPLETE_TAG,
      ...Object.keys(tags).filter((k) => k.endsWith(DISTRIBUTION_SUFFIX)),
    ],
  };
}

/**
 * A Python `str(datetime)` (`2026-12-06 13:27:05.504697`, an offset if it has one) in milliseconds,
 * read as UTC when it has none: the logging machine's zone is unknown, so only differences between
 * two such times mean anything. NaN for anything else (`None` for a trial that did not complete).
 */
function pythonTime(text: string | undefined): number {
  const match = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(\.\d{1,3})?\d*([+-]\d\d:\d\d)?$/.exec(text ?? '');
  return match ? Date.parse(`${match[1]}T${match[2]}${match[3] ?? ''}${match[4] ?? 'Z'}`) : Number.NaN;
}

/**
 * The study directions of an Optuna run: one, or one per objective of a multi-objective study (the
 * callback writes their list, `['MINIMIZE', 'MAXIMIZE']`); empty for other runs.
 */
export function optunaDirections(tags: Readonly<Record<string, string>>): ('minimize' | 'maximize')[] {
  const names = (tags[OPTUNA_DIRECTION_TAG] ?? '').replace(/^\[|\]$/g, '').split(',');
  const directions = names.map((name) => name.trim().replace(/^'|'$/g, ''));
  return directions.every((d) => d === 'MINIMIZE' || d === 'MAXIMIZE')
    ? directions.map((d) => (d === 'MINIMIZE' ? 'minimize' : 'maximize'))
    : [];
}

/** Each parameter's distribution, as the callback wrote it (`lr` -> `FloatDistribution(...)`). */
export function optunaDistributions(tags: Readonly<Record<string, string>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tags)) {
    if (key.endsWith(DISTRIBUTION_SUFFIX) && key.length > DISTRIBUTION_SUFFIX.length)
      out.set(key.slice(0, -DISTRIBUTION_SUFFIX.length), value);
  }
  return out;
}

/**
 * A distribution in a few characters: `log[1e-05, 0.1]`, `int[1, 4]`, `[0.0, 1.0] step 0.1`,
 * `{adam, sgd}`; text it does not recognise as it is.
 */
export function describeDistribution(text: string): string {
  const match = /^(Float|Int|Categorical)Distribution\((.*)\)$/s.exec(text.trim());
  if (!match) return text;
  const [, kind, body] = match;
  if (kind === 'Categorical') {
    const choices = /^choices=\((.*?),?\)$/s.exec(body)?.[1] ?? body;
    return `{${choices.replace(/'/g, '')}}`;
  }
  const fields = Object.fromEntries([...body.matchAll(/(\w+)=([^,]+)/g)].map(([, k, v]) => [k, v.trim()]));
  const range = `[${fields.low}, ${fields.high}]`;
  const prefix = fields.log === 'True' ? 'log' : kind === 'Int' ? 'int' : '';
  const step = fields.step && fields.step !== 'None' && !(kind === 'Int' && fields.step === '1');
  return `${kind === 'Int' && prefix === 'log' ? 'int log' : prefix}${range}${step ? ` step ${fields.step}` : ''}`;
}

/** The search space of some distributions, e.g. `layers: int[1, 4] · lr: log[1e-05, 0.1]` (by name). */
export function describeSearchSpace(distributions: ReadonlyMap<string, string>): string | undefined {
  if (distributions.size === 0) return undefined;
  return [...distributions]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, text]) => `${name}: ${describeDistribution(text)}`)
    .join(' · ');
}
