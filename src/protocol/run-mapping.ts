/**
 * How an MLflow run reads as a trial, and which run status a trial status becomes: the one mapping
 * that the sync engine (which writes runs) and the MLflow poller (which only reads them) share, so
 * one run is one trial wherever it is read. Tag names and status tables are plain literals and
 * runs a structural shape, so the protocol stays free of the MLflow client.
 */
import { type Comment, commentSchema, type Trial, TrialStatus } from './events.js';
import { optunaTrialFields } from './optuna-tags.js';
import { ownValue } from './own.js';

/** The idempotency marker: the run of trial X carries `trialkit.trial_id = X`. */
export const TRIAL_ID_TAG = 'trialkit.trial_id';
/** The study a synced run belongs to. */
export const STUDY_ID_TAG = 'trialkit.study_id';
/** The trial's number within its study. */
export const NUMBER_TAG = 'trialkit.trial_number';
/** MLflow cannot say `pruned` (it has KILLED only), so the exact status also travels as a tag. */
export const STATUS_TAG = 'trialkit.status';
/** The trial's flags, comma-separated. */
export const FLAGS_TAG = 'trialkit.flags';
/** `true` on the run of a starred trial. */
export const STARRED_TAG = 'trialkit.starred';
/**
 * A comment lives in its own run tag, `trialkit.comment.<id>`, its other fields as JSON. Tags, not
 * an artifact: a poller reading runs sees comments with no extra request, a comment added or edited
 * is one idempotent set-tag (a deletion one delete-tag) with no read-modify-write of a shared file,
 * and MLflow's UI shows them. The cost: one tag value bounds a comment (8,000 characters as JSON).
 */
export const COMMENT_TAG_PREFIX = 'trialkit.comment.';
/** MLflow's run description, shown in its UI: a trial's notes. */
export const NOTE_TAG = 'mlflow.note.content';
/** MLflow's run name (also in the run's info). */
export const RUN_NAME_TAG = 'mlflow.runName';
/** The tag MLflow puts on a nested run: its parent run's id. */
export const PARENT_RUN_TAG = 'mlflow.parentRunId';
/** The prefix of the tags trialkit writes for itself; never shown as a trial's tags. */
const TRIALKIT_PREFIX = 'trialkit.';
/** The prefix of MLflow's system tags. */
const MLFLOW_PREFIX = 'mlflow.';

/** MLflow's run statuses. */
export type RunStatusName = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

/** The run status each trial status is written as. */
export const RUN_STATUS_OF = {
  pending: 'SCHEDULED',
  running: 'RUNNING',
  succeeded: 'FINISHED',
  failed: 'FAILED',
  pruned: 'KILLED',
  cancelled: 'KILLED',
} as const satisfies Record<TrialStatus, RunStatusName>;

/** The trial status each run status reads as (KILLED: cancelled unless `trialkit.status` says pruned). */
export const TRIAL_STATUS_OF = {
  SCHEDULED: 'pending',
  RUNNING: 'running',
  FINISHED: 'succeeded',
  FAILED: 'failed',
  KILLED: 'cancelled',
} as const satisfies Record<RunStatusName, TrialStatus>;

/** The parts of an MLflow run the mapping reads; the MLflow client's `Run` fits it. */
export interface RunShape {
  info: {
    runId: string;
    experimentId: string;
    runName?: string;
    status: string;
    startTime?: number;
    endTime?: number;
  };
  data: { params: Record<string, string>; tags: Record<string, string> };
}

/** The trial fields a run carries; id, study and number are the reader's to choose. */
export type RunTrialFields = Pick<Trial, 'status' | 'params' | 'tags' | 'flags'> &
  Pick<Partial<Trial>, 'name' | 'notes' | 'startedAt' | 'endedAt' | 'starred' | 'comments'>;

/** The trial status a run's status means; `trialkit.status` tells pruned from cancelled. */
export function runStatusOf(run: RunShape): TrialStatus {
  const mapped = ownValue<TrialStatus>(TRIAL_STATUS_OF, run.info.status) ?? TrialStatus.Running;
  const tagged = ownValue(run.data.tags, STATUS_TAG);
  return tagged !== undefined && ownValue<string>(RUN_STATUS_OF, tagged) === run.info.status
    ? (tagged as TrialStatus)
    : mapped;
}

/**
 * The trial status a run means: Optuna's `state` tag when the run is Optuna's (it says pruned,
 * and the callback's run is FINISHED whatever the trial did), else the run's status.
 */
export function trialStatusOf(run: RunShape): TrialStatus {
  return optunaTrialFields(run.data.tags).status ?? runStatusOf(run);
}

/** The number a run carries in `trialkit.trial_number` or Optuna's `number`, if it carries a valid one. */
export function trialNumberOf(run: RunShape): number | undefined {
  const tagged = Number(ownValue(run.data.tags, NUMBER_TAG));
  return Number.isInteger(tagged) && tagged >= 0 ? tagged : optunaTrialFields(run.data.tags).number;
}

/** The run's name, unless it is empty. */
export function runNameOf(run: RunShape): string | undefined {
  return ownValue(run.data.tags, RUN_NAME_TAG) || run.info.runName || undefined;
}

/**
 * The run's tags a user set: without trialkit's own (`trialkit.*`) and MLflow's system tags
 * (`mlflow.*`: user, source, parent run, run description), which MLflow's UI does not list among
 * a run's tags either and which no team edit may change.
 */
export function userTagsOf(run: RunShape): Record<string, string> {
  return Object.fromEntries(
    Object.entries(run.data.tags).filter(
      ([k]) => !k.startsWith(TRIALKIT_PREFIX) && !k.startsWith(MLFLOW_PREFIX),
    ),
  );
}

/**
 * The trial a run reads as. Its tags are the user's ({@link userTagsOf}) without those that became
 * fields (Optuna's number, state, times, direction, distributions); the run description is its notes.
 */
export function trialFieldsOf(run: RunShape): RunTrialFields {
  const { info, data } = run;
  const tags = userTagsOf(run);
  const optuna = optunaTrialFields(data.tags);
  for (const key of optuna.fieldTags) delete tags[key];
  const notes = ownValue(data.tags, NOTE_TAG);
  const name = runNameOf(run);
  const comments = commentsOfTags(data.tags);
  return {
    status: trialStatusOf(run),
    params: { ...data.params },
    tags,
    flags: ownValue(data.tags, FLAGS_TAG)?.split(',').filter(Boolean) ?? [],
    ...(name !== undefined && { name }),
    ...(notes !== undefined && { notes }),
    ...(ownValue(data.tags, STARRED_TAG) === 'true' && { starred: true }),
    ...(comments.length > 0 && { comments }),
    ...startAndEnd(info, optuna.durationMs),
  };
}

/**
 * When the trial started and ended: the run's times, except that a trial Optuna ran for longer than
 * its run lasted started that long before the run ended. Optuna's callback opens the run only once
 * the trial is over, so the run's own times would give every trial a duration of nothing.
 */
function startAndEnd(
  info: RunShape['info'],
  durationMs: number | undefined,
): Pick<Trial, 'startedAt' | 'endedAt'> {
  const { startTime, endTime } = info;
  const end = endTime ?? startTime;
  const ranLonger = durationMs !== undefined && end !== undefined && end - (startTime ?? end) < durationMs;
  const startedAt = ranLonger ? end - durationMs : startTime;
  return {
    ...(startedAt !== undefined && { startedAt }),
    ...(endTime !== undefined && { endedAt: endTime }),
  };
}

/** The run tags of a trial's star and comments. */
export function teamTagsOf(trial: Pick<Trial, 'starred' | 'comments'>): Record<string, string> {
  const tags: Record<string, string> = {};
  if (trial.starred) tags[STARRED_TAG] = 'true';
  for (const { id, ...rest } of trial.comments ?? [])
    tags[`${COMMENT_TAG_PREFIX}${id}`] = JSON.stringify(rest);
  return tags;
}

/** The comments a run's tags hold, oldest first; a tag that does not read as a comment is skipped. */
export function commentsOfTags(tags: Record<string, string>): Comment[] {
  const comments: Comment[] = [];
  for (const [key, value] of Object.entries(tags)) {
    if (!key.startsWith(COMMENT_TAG_PREFIX)) continue;
    let fields: unknown;
    try {
      fields = JSON.parse(value);
    } catch {
      continue;
    }
    const parsed = commentSchema.safeParse({
      ...(fields as object),
      id: key.slice(COMMENT_TAG_PREFIX.length),
    });
    if (parsed.success) comments.push(parsed.data);
  }
  return comments.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
}
