/**
 * The engine's writes of studies, trials and points, each inside a write scope, so one call can
 * store one change and `applyEvents` can store a whole batch in a single transaction. MLflow links
 * are the engine's alone: a link in the input is ignored and the stored one kept.
 */
import { applyTeamEdit, TeamEditError, type TeamEvent, type TrialEvent } from '../../protocol/index.js';
import { ownValue } from '../../protocol/own.js';
import type { WriteScope } from '../change-feed.js';
import { NotFoundError, SyncError, ValidationError } from '../errors.js';
import { requireTrial } from '../lookup.js';
import { desiredRunState } from '../mapping.js';
import { checkExperimentName, checkTrialLimits } from '../mlflow-limits.js';
import type { Study, StudyInput, Trial, TrialInput } from '../model.js';
import type { SeriesAppend } from '../storage.js';
import { type MetricPointInput, parseMetricKey, parseStudy, parseTrial, toColumns } from '../validate.js';
import type { SyncProgress } from './progress.js';

/** A study as `upsertStudy` takes it: `createdAt` defaults to the stored one, else now. */
export type StudyUpsert = Omit<StudyInput, 'createdAt'> & { createdAt?: number };

/** What the record writes work with. */
export interface RecordDeps {
  progress: SyncProgress;
  /** With sync on, the MLflow experiment name of a study (checked against MLflow's limit). */
  experimentName?(study: Study): string;
}

/** A copy without the `mlflow` link a producer may have supplied. */
function withoutLink<T extends { mlflow?: unknown }>(input: T): Omit<T, 'mlflow'> {
  const { mlflow: _ignored, ...rest } = input;
  return rest;
}

export async function putStudy(scope: WriteScope, input: StudyUpsert, deps: RecordDeps): Promise<Study> {
  const existing = await scope.tx.getStudy(String(input.id));
  const study = parseStudy({
    ...withoutLink(input),
    createdAt: input.createdAt ?? existing?.createdAt ?? Date.now(),
  });
  if (deps.experimentName) checkExperimentName(deps.experimentName(study));
  const stored: Study = { ...study, ...(existing?.mlflow && { mlflow: existing.mlflow }) };
  await scope.tx.upsertStudy(stored);
  scope.emit({ type: 'study.upsert', study: stored });
  return stored;
}

export async function putTrial(scope: WriteScope, input: TrialInput, deps: RecordDeps): Promise<Trial> {
  const parsed = parseTrial(withoutLink(input));
  const study = await scope.tx.getStudy(parsed.studyId);
  if (!study) throw new NotFoundError('study', parsed.studyId);
  parseTrial(parsed, study);
  const existing = await scope.tx.getTrial(parsed.id);
  if (existing) keepTeamFields(parsed, existing, input.tags === undefined);
  if (deps.experimentName) {
    checkTrialLimits(parsed);
    if (existing) await checkParamsUnchanged(scope, parsed);
  }
  // Without a link in `parsed`, the store keeps the trial's own.
  await scope.tx.upsertTrial(parsed);
  const stored = (await scope.tx.getTrial(parsed.id)) as Trial;
  scope.emit({ type: 'trial.upsert', trial: stored });
  await deps.progress.afterChange(scope, parsed.id, !existing);
  return stored;
}

/**
 * Refuses a param that MLflow already holds with another value: MLflow never changes a param, so
 * every later push of the trial would fail (a dead job each) while the store said otherwise.
 */
async function checkParamsUnchanged(scope: WriteScope, trial: Trial): Promise<void> {
  const remote = await scope.tx.getRemoteState(trial.id);
  if (!remote) return;
  for (const [key, value] of Object.entries(desiredRunState(trial).params)) {
    const held = ownValue(remote.params, key);
    if (held !== undefined && held !== value)
      throw new ValidationError(
        `param ${JSON.stringify(key)} of trial ${JSON.stringify(trial.id)} is ${JSON.stringify(held)} in MLflow, and MLflow params cannot change (got ${JSON.stringify(value)})`,
        `params.${key}`,
      );
  }
}

export async function putPoints(
  scope: WriteScope,
  trialId: string,
  key: string,
  points: readonly MetricPointInput[],
  deps: RecordDeps,
): Promise<number> {
  parseMetricKey(key);
  return putColumns(scope, { trialId, key, points: toColumns(points) }, deps);
}

/** Appends points already checked (a valid key, valid points) to a series of an existing trial. */
export async function putColumns(scope: WriteScope, append: SeriesAppend, deps: RecordDeps): Promise<number> {
  const { trialId, key, points } = append;
  await requireTrial(scope.tx, trialId);
  const total = await scope.tx.appendPoints(trialId, key, points);
  if (points.steps.length) {
    await scope.points(trialId, key, total - points.steps.length, total, points);
    await deps.progress.afterChange(scope, trialId, false);
  }
  return total;
}

/**
 * Appends checked points of many callers in a few statements; each append to a trial that does
 * not exist is rejected with a NotFoundError and stores nothing, the others land. Events go out
 * per append, in order; each changed trial's push is queued once.
 */
export async function putColumnsMany(
  scope: WriteScope,
  appends: readonly SeriesAppend[],
  deps: RecordDeps,
): Promise<PromiseSettledResult<number>[]> {
  const totals = await scope.tx.appendPointsMany(appends);
  const changed = new Set<string>();
  const settled: PromiseSettledResult<number>[] = [];
  for (const [i, { trialId, key, points }] of appends.entries()) {
    const total = totals[i];
    if (total === undefined) {
      settled.push({ status: 'rejected', reason: new NotFoundError('trial', trialId) });
      continue;
    }
    if (points.steps.length) {
      await scope.points(trialId, key, total - points.steps.length, total, points);
      changed.add(trialId);
    }
    settled.push({ status: 'fulfilled', value: total });
  }
  await deps.progress.afterChangeMany(scope, [...changed]);
  return settled;
}

export async function putNotes(
  scope: WriteScope,
  trialId: string,
  notes: string | undefined,
  deps: RecordDeps,
): Promise<Trial> {
  const trial = await requireTrial(scope.tx, trialId);
  const next = parseTrial({ ...trial, notes });
  if (notes === undefined) delete next.notes;
  if (deps.experimentName) checkTrialLimits(next);
  await scope.tx.upsertTrial(next);
  scope.emit({ type: 'trial.upsert', trial: next });
  await deps.progress.afterChange(scope, trialId, false);
  return next;
}

/**
 * What a team wrote (notes, star, comments; tags when the input has none) stays when a producer's
 * `trial.upsert` leaves it out: a training loop restating its trial's status must not wipe the
 * comments and tags made on it.
 */
function keepTeamFields(trial: Trial, existing: Trial, keepTags: boolean): void {
  if (keepTags) trial.tags = existing.tags;
  if (trial.notes === undefined && existing.notes !== undefined) trial.notes = existing.notes;
  if (trial.starred === undefined && existing.starred !== undefined) trial.starred = existing.starred;
  if (trial.comments === undefined && existing.comments !== undefined) trial.comments = existing.comments;
}

/** Applies a team's edit (star, tags, a comment) to a stored trial; emits the trial as it now is. */
export async function putTeamEdit(scope: WriteScope, edit: TeamEvent, deps: RecordDeps): Promise<Trial> {
  const trial = await requireTrial(scope.tx, edit.trialId);
  let edited: Trial;
  try {
    edited = applyTeamEdit(trial, edit);
  } catch (err) {
    if (err instanceof TeamEditError) throw new ValidationError(`invalid edit: ${err.message}`, err.path);
    throw err;
  }
  const next = parseTrial(edited);
  if (deps.experimentName) checkTrialLimits(next);
  await scope.tx.upsertTrial(next);
  const stored = (await scope.tx.getTrial(next.id)) as Trial;
  scope.emit({ type: 'trial.upsert', trial: stored });
  await deps.progress.afterChange(scope, next.id, false);
  return stored;
}

/**
 * An event of a batch that could not be applied; nothing of the batch was stored. `index` is the
 * event's place in the batch and `path` the offending field within it.
 */
export class EventBatchError extends ValidationError {
  override name = 'EventBatchError';
  constructor(
    readonly index: number,
    message: string,
    path?: string,
    options?: { cause?: unknown },
  ) {
    super(`event ${index}: ${message}`, path);
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/** Runs `fn`, naming the field of a {@link ValidationError} from where `fn`'s input sits in the event. */
async function within<T>(prefix: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof ValidationError) || err instanceof EventBatchError) throw err;
    const path = err.path ? `${prefix}.${err.path}` : prefix;
    throw new ValidationError(err.message.replace(/ at [^:]*:/, ` at ${path}:`), path);
  }
}

/** Events a producer may post: the others are a source's own (snapshots, sync states, errors). */
async function putEvent(scope: WriteScope, event: TrialEvent, deps: RecordDeps): Promise<void> {
  switch (event.type) {
    case 'study.upsert':
      await within('study', () => putStudy(scope, event.study, deps));
      return;
    case 'trial.upsert':
      await within('trial', () => putTrial(scope, event.trial, deps));
      return;
    case 'metrics.append':
      for (const [i, b] of event.batches.entries()) {
        const points = b.steps.map((step, j) => ({ step, value: b.values[j], timestamp: b.timestamps[j] }));
        await within(`batches.${i}`, () => putPoints(scope, b.trialId, b.key, points, deps));
      }
      return;
    case 'trial.patch':
    case 'comment.upsert':
    case 'comment.remove':
      await putTeamEdit(scope, event, deps);
      return;
    default:
      throw new ValidationError(
        `${event.type} events cannot be applied; send study.upsert, trial.upsert, metrics.append, trial.patch, comment.upsert or comment.remove`,
        'type',
      );
  }
}

/** Applies the events in order within the write's transaction; the first failure throws an {@link EventBatchError}. */
export async function putEvents(
  scope: WriteScope,
  events: readonly TrialEvent[],
  deps: RecordDeps,
): Promise<void> {
  for (const [index, event] of events.entries()) {
    try {
      await putEvent(scope, event, deps);
    } catch (err) {
      if (err instanceof ValidationError)
        throw new EventBatchError(index, `${event.type}: ${err.message}`, err.path, { cause: err });
      if (err instanceof SyncError) throw new EventBatchError(index, `${event.type}: ${err.message}`);
      // A store failure: its text (SQL, connection details) is not the producer's business.
      throw new SyncError(`event ${index} (${event.type}) could not be stored`, { cause: err });
    }
  }
}
