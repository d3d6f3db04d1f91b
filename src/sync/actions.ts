/**
 * What each sync action does in MLflow. Every step is safe to repeat after an unknown outcome:
 * a run is found by its `trialkit.trial_id` tag before one is created, params and tags are re-sent
 * with the same values, and only metric points MLflow has not acknowledged are sent (MLflow ignores
 * a point it already holds with the same key, step, timestamp and value).
 */
import {
  MlflowAlreadyExistsError,
  MlflowApiError,
  type MlflowClient,
  MlflowNotFoundError,
  modelVersionsOfRuns,
  quoteFilterValue,
  type Run,
  type RunModelVersion,
} from '../mlflow/index.js';
import { commentsOfTags, ownValue, teamTagsOf } from '../protocol/index.js';
import type { Write } from './change-feed.js';
import { PermanentJobError } from './errors.js';
import { JobAction, type JobPayload, type JobRecord, jobPayloadSchemas } from './jobs.js';
import { requireStudy, requireTrial } from './lookup.js';
import {
  COMMENT_TAG_PREFIX,
  desiredRunState,
  NOTE_TAG,
  remoteOf,
  STARRED_TAG,
  TRIAL_ID_TAG,
  trialFieldsOf,
  trialStatusOf,
} from './mapping.js';
import { type ColumnarPoints, type RemoteState, type Study, type Trial, trialSchema } from './model.js';
import type { Storage, StorageOps } from './storage.js';

/** Points sent per log-batch call; the client splits it into requests of MLflow's size. */
const PUSH_WINDOW = 5000;
/** Requests of one window in flight at once; MLflow's SQL store serialises writes anyway. */
const PUSH_CONCURRENCY = 2;

/** What the actions work with. */
export interface ActionContext {
  storage: Storage;
  mlflow: MlflowClient;
  /** Aborted when the worker lost the job's lease: every MLflow call stops, nothing more is written. */
  signal?: AbortSignal;
  /** Records changes with their events (see {@link Write}). */
  write: Write;
  experimentName(study: Study): string;
  /** Queues a follow-up job (an import queues one pull per run). */
  enqueue(action: JobAction, payload: Record<string, unknown>): Promise<void>;
}

type Handlers = { [A in JobAction]: (ctx: ActionContext, payload: JobPayload<A>) => Promise<void> };

/** One handler per {@link JobAction}. */
export const actionHandlers: Handlers = {
  [JobAction.CreateRun]: async (ctx, { trialId }) => {
    await ensureRun(ctx, await requireTrial(ctx.storage, trialId));
  },
  [JobAction.PushTrial]: (ctx, { trialId }) => pushTrial(ctx, trialId),
  [JobAction.UpdateRunStatus]: async (ctx, { trialId }) => {
    const trial = await requireTrial(ctx.storage, trialId);
    await pushStatus(ctx, trial, await ensureRun(ctx, trial));
  },
  [JobAction.PullRun]: (ctx, payload) => pullRun(ctx, payload),
  [JobAction.ImportExperiment]: (ctx, { studyId }) => importExperiment(ctx, studyId),
};

/** Does a claimed job: its action's handler with its parsed payload; stops when `signal` aborts. */
export async function runJob(ctx: ActionContext, job: JobRecord, signal?: AbortSignal): Promise<void> {
  const handler = actionHandlers[job.action] as
    | ((ctx: ActionContext, payload: unknown) => Promise<void>)
    | undefined;
  const schema = jobPayloadSchemas[job.action];
  if (!handler || !schema)
    throw new PermanentJobError(`job ${job.id} has unknown action ${JSON.stringify(job.action)}`);
  await handler(signal ? { ...ctx, signal } : ctx, schema.parse(job.payload));
}

/** The study's experiment id: linked, found by name, or created (and then linked). */
async function ensureExperiment(ctx: ActionContext, study: Study): Promise<string> {
  if (study.mlflow?.experimentId) return study.mlflow.experimentId;
  const name = ctx.experimentName(study);
  let experimentId = (await ctx.mlflow.getExperimentByName(name, opts(ctx)))?.experimentId;
  if (!experimentId) {
    try {
      experimentId = await ctx.mlflow.createExperiment(name, opts(ctx));
    } catch (err) {
      // Another worker (or an earlier attempt whose answer was lost) created it first.
      if (!(err instanceof MlflowAlreadyExistsError)) throw err;
      experimentId = (await ctx.mlflow.getExperimentByName(name, opts(ctx)))?.experimentId;
      if (!experimentId) throw err;
    }
  }
  const linked = { ...study, mlflow: { experimentId } };
  ctx.signal?.throwIfAborted();
  await ctx.write(async ({ tx, emit }) => {
    await tx.upsertStudy(linked);
    emit({ type: 'study.upsert', study: linked });
  });
  return experimentId;
}

/**
 * The trial's run id: linked, found by its idempotency tag, or created. The search runs right
 * before the create, and not at all once the lease is lost, so a worker that stalled finds the run
 * another one made meanwhile instead of making a second.
 */
async function ensureRun(ctx: ActionContext, trial: Trial): Promise<string> {
  if (trial.mlflow?.runId) return trial.mlflow.runId;
  const experimentId = await ensureExperiment(ctx, await requireStudy(ctx.storage, trial.studyId));
  const linked = (await ctx.storage.getTrial(trial.id))?.mlflow?.runId;
  if (linked) return linked;
  ctx.signal?.throwIfAborted();
  const run =
    (await findRunOfTrial(ctx, experimentId, trial.id)) ?? (await createRunOfTrial(ctx, experimentId, trial));
  ctx.signal?.throwIfAborted();
  await ctx.write(async ({ tx, emit }) => {
    await tx.setRunLink(trial.id, { experimentId, runId: run.info.runId });
    await tx.setRemoteState(trial.id, remoteOf(run));
    const linked = await tx.getTrial(trial.id);
    if (linked) emit({ type: 'trial.upsert', trial: linked });
  });
  return run.info.runId;
}

function createRunOfTrial(ctx: ActionContext, experimentId: string, trial: Trial): Promise<Run> {
  ctx.signal?.throwIfAborted();
  return ctx.mlflow.createRun(
    {
      experimentId,
      runName: `${trial.studyId}-${trial.number}`,
      ...(trial.startedAt !== undefined && { startTime: trial.startedAt }),
      tags: { [TRIAL_ID_TAG]: trial.id },
    },
    opts(ctx),
  );
}

/** The oldest live run tagged with the trial's id (a create whose answer was lost still counts). */
async function findRunOfTrial(
  ctx: ActionContext,
  experimentId: string,
  trialId: string,
): Promise<Run | undefined> {
  const literal = quoteFilterValue(trialId);
  if (literal === undefined)
    throw new PermanentJobError(
      `trial ${JSON.stringify(trialId)}: MLflow's search cannot express this id, so its run cannot be found again`,
    );
  const { runs } = await ctx.mlflow.searchRuns(
    {
      experimentIds: [experimentId],
      filter: `tags.\`${TRIAL_ID_TAG}\` = ${literal}`,
      orderBy: ['start_time ASC'],
      maxResults: 10,
    },
    opts(ctx),
  );
  return runs.find((run) => ownValue(run.data.tags, TRIAL_ID_TAG) === trialId);
}

/** The request options of the action's MLflow calls. */
function opts(ctx: ActionContext): { signal?: AbortSignal } {
  return ctx.signal ? { signal: ctx.signal } : {};
}

/**
 * Pushes a trial: metric points first, so that params or tags MLflow refuses never hold them back;
 * then params and tags, then status. A failed part does not stop the later ones; the job fails
 * afterwards with what failed, which the trial's sync state shows.
 */
async function pushTrial(ctx: ActionContext, trialId: string): Promise<void> {
  const trial = await requireTrial(ctx.storage, trialId);
  const runId = await ensureRun(ctx, trial);
  await pushMetrics(ctx, trialId, runId);
  let failure: unknown;
  try {
    await pushParamsAndTags(ctx, trial, runId);
  } catch (err) {
    if (ctx.signal?.aborted) throw err;
    failure = err;
  }
  await pushStatus(ctx, trial, runId);
  if (failure) throw failure;
}

async function remoteState(ctx: ActionContext, trialId: string): Promise<RemoteState> {
  return (await ctx.storage.getRemoteState(trialId)) ?? { params: {}, tags: {} };
}

async function pushParamsAndTags(ctx: ActionContext, trial: Trial, runId: string): Promise<void> {
  const remote = await remoteState(ctx, trial.id);
  const want = desiredRunState(trial);
  for (const [key, value] of Object.entries(want.params)) {
    const held = ownValue(remote.params, key);
    if (held !== undefined && held !== value) {
      throw new PermanentJobError(
        `trial ${JSON.stringify(trial.id)}: param ${JSON.stringify(key)} is ${JSON.stringify(held)} in MLflow and params cannot change (now ${JSON.stringify(value)})`,
      );
    }
  }
  const params = changedEntries(want.params, remote.params);
  const tags = changedEntries(want.tags, remote.tags);
  if (Object.keys(params).length || Object.keys(tags).length)
    await ctx.mlflow.logBatch(runId, { params, tags }, opts(ctx));
  for (const key of Object.keys(remote.tags)) {
    if (Object.hasOwn(want.tags, key)) continue;
    await ctx.mlflow.deleteTag(runId, key, opts(ctx)).catch((err) => {
      if (!(err instanceof MlflowNotFoundError)) throw err;
    });
  }
  await ctx.storage.setRemoteState(trial.id, {
    ...remote,
    params: { ...remote.params, ...params },
    tags: want.tags,
  });
}

function changedEntries(want: Record<string, string>, held: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(want).filter(([k, v]) => ownValue(held, k) !== v));
}

/** Sends each series' unacknowledged points, window by window, recording each acknowledgement. */
async function pushMetrics(ctx: ActionContext, trialId: string, runId: string): Promise<void> {
  for (const series of await ctx.storage.listSeries(trialId)) {
    for (let acked = series.acked; acked < series.points; ) {
      const end = Math.min(series.points, acked + PUSH_WINDOW);
      const points = await ctx.storage.readSeries(trialId, series.key, acked, end);
      await ctx.mlflow.logBatch(
        runId,
        { metrics: metricInputs(series.key, points) },
        { concurrency: PUSH_CONCURRENCY, ...opts(ctx) },
      );
      await ctx.storage.setAcked(trialId, series.key, end);
      acked = end;
    }
  }
}

function metricInputs(key: string, points: ColumnarPoints) {
  const out = new Array(points.steps.length);
  for (let i = 0; i < out.length; i++)
    out[i] = { key, step: points.steps[i], value: points.values[i], timestamp: points.timestamps[i] };
  return out;
}

async function pushStatus(ctx: ActionContext, trial: Trial, runId: string): Promise<void> {
  const remote = await remoteState(ctx, trial.id);
  const want = desiredRunState(trial);
  const endTime = want.endTime ?? remote.endTime;
  if (remote.status === want.status && remote.endTime === endTime) return;
  await ctx.mlflow.updateRun(
    { runId, status: want.status, ...(endTime !== undefined && { endTime }) },
    opts(ctx),
  );
  await ctx.storage.setRemoteState(trial.id, {
    ...remote,
    status: want.status,
    ...(endTime !== undefined && { endTime }),
  });
}

/** Imports a run as a new trial, or brings a linked trial up to date with changes made in MLflow. */
async function pullRun(
  ctx: ActionContext,
  { runId, studyId }: JobPayload<typeof JobAction.PullRun>,
): Promise<void> {
  const run = await ctx.mlflow.getRun(runId, opts(ctx));
  const tagged = ownValue(run.data.tags, TRIAL_ID_TAG);
  const trial =
    (await ctx.storage.findTrialByRun(runId)) ?? (tagged ? await ctx.storage.getTrial(tagged) : undefined);
  const local = trial
    ? new Set((await ctx.storage.listSeries(trial.id)).map((s) => s.key))
    : new Set<string>();
  const histories = await fetchHistories(ctx, run, local);
  const models = await modelsOfRun(ctx, runId);
  const merged = trial && mergeRemoteChanges(trial, await remoteState(ctx, trial.id), run);
  await ctx.write(async ({ tx, emit, points }) => {
    // A new trial's number is taken in the write: writes run one at a time, so runs imported at
    // once (several pull jobs) get numbers of their own.
    const next = merged ?? (await newTrialOf(tx, run, studyId));
    if (models?.length) next.models = models;
    else if (models) delete next.models;
    await tx.upsertTrial(next);
    await tx.setRemoteState(next.id, remoteOf(run));
    emit({ type: 'trial.upsert', trial: next });
    for (const [key, history] of histories) {
      const total = await tx.appendPoints(next.id, key, history);
      await tx.setAcked(next.id, key, total);
      await points(next.id, key, total - history.steps.length, total, history);
    }
    await tx.setSyncState(next.id, 'synced');
    emit({ type: 'sync.state', trialId: next.id, state: 'synced', mlflow: next.mlflow });
  });
}

/**
 * The registry's versions of the run, or undefined (keep what the trial holds) when the server
 * refuses the registry and no retry would help: a server without one still pulls.
 */
async function modelsOfRun(ctx: ActionContext, runId: string): Promise<RunModelVersion[] | undefined> {
  try {
    return (await modelVersionsOfRuns(ctx.mlflow, [runId], opts(ctx))).get(runId);
  } catch (err) {
    if (err instanceof MlflowApiError && !err.retryable) return undefined;
    throw err;
  }
}

/** Full histories of the run's metrics that the trial does not hold yet, in MLflow's order. */
async function fetchHistories(
  ctx: ActionContext,
  run: Run,
  skip: Set<string>,
): Promise<Map<string, ColumnarPoints>> {
  const out = new Map<string, ColumnarPoints>();
  for (const key of Object.keys(run.data.metrics)) {
    if (skip.has(key)) continue;
    const history = await ctx.mlflow.getMetricHistory(run.info.runId, key, opts(ctx));
    const n = history.length;
    const points: ColumnarPoints = {
      steps: new Float64Array(n),
      values: new Float64Array(n),
      timestamps: new Float64Array(n),
    };
    history.forEach((p, i) => {
      points.steps[i] = p.step;
      points.values[i] = p.value;
      points.timestamps[i] = p.timestamp;
    });
    out.set(key, points);
  }
  return out;
}

async function newTrialOf(tx: StorageOps, run: Run, studyId: string): Promise<Trial> {
  if (!(await tx.getStudy(studyId)))
    throw new PermanentJobError(
      `cannot import run ${run.info.runId}: study ${JSON.stringify(studyId)} does not exist`,
    );
  return trialSchema.parse({
    id: `mlflow-${run.info.runId}`,
    studyId,
    number: await tx.nextTrialNumber(studyId),
    ...trialFieldsOf(run),
    mlflow: { experimentId: run.info.experimentId, runId: run.info.runId },
  });
}

/** Applies what changed in MLflow since trialkit last saw the run: tags, notes, star, comments, status. */
function mergeRemoteChanges(trial: Trial, seen: RemoteState, run: Run): Trial {
  const theirs = remoteOf(run);
  const fields = trialFieldsOf(run);
  const tags = { ...trial.tags };
  for (const [key, value] of Object.entries(fields.tags))
    if (ownValue(seen.tags, key) !== value) tags[key] = value;
  for (const key of Object.keys(seen.tags))
    if (!Object.hasOwn(theirs.tags, key) && Object.hasOwn(tags, key)) delete tags[key];
  const theirNotes = ownValue(theirs.tags, NOTE_TAG);
  const notes = theirNotes !== ownValue(seen.tags, NOTE_TAG) ? theirNotes : trial.notes;
  const status = theirs.status !== seen.status ? trialStatusOf(run) : trial.status;
  const next: Trial = {
    ...trial,
    tags,
    status,
    mlflow: { experimentId: run.info.experimentId, runId: run.info.runId },
  };
  if (notes === undefined) delete next.notes;
  else next.notes = notes;
  mergeTeamTags(next, trial, seen, theirs);
  if (theirs.endTime !== seen.endTime && theirs.endTime !== undefined) next.endedAt = theirs.endTime;
  return next;
}

/** A team tag (star, comment) is trialkit's own, so the user-tag merge above passes it by. */
function isTeamTag(key: string): boolean {
  return key === STARRED_TAG || key.startsWith(COMMENT_TAG_PREFIX);
}

/**
 * The star and comments, tag by tag: what changed in MLflow since it was last seen wins, the
 * rest stays as trialkit holds it (a comment added here meanwhile is not lost).
 */
function mergeTeamTags(next: Trial, trial: Trial, seen: RemoteState, theirs: RemoteState): void {
  const tags = teamTagsOf(trial);
  for (const [key, value] of Object.entries(theirs.tags))
    if (isTeamTag(key) && ownValue(seen.tags, key) !== value) tags[key] = value;
  for (const key of Object.keys(seen.tags))
    if (isTeamTag(key) && !Object.hasOwn(theirs.tags, key)) delete tags[key];
  const comments = commentsOfTags(tags);
  if (ownValue(tags, STARRED_TAG) === 'true') next.starred = true;
  else delete next.starred;
  if (comments.length) next.comments = comments;
  else delete next.comments;
}

/** Queues a pull for every run of the study's experiment that no trial is linked to. */
async function importExperiment(ctx: ActionContext, studyId: string): Promise<void> {
  const experimentId = await ensureExperiment(ctx, await requireStudy(ctx.storage, studyId));
  // Oldest first, so that trial numbers follow the order the runs started in.
  const search = { experimentIds: [experimentId], orderBy: ['attributes.start_time ASC'] };
  for await (const run of ctx.mlflow.iterateRuns(search, opts(ctx))) {
    const runId = run.info.runId;
    if (await ctx.storage.findTrialByRun(runId)) continue;
    const tagged = ownValue(run.data.tags, TRIAL_ID_TAG);
    if (tagged && (await ctx.storage.getTrial(tagged))) continue;
    await ctx.enqueue(JobAction.PullRun, { runId, studyId });
  }
}
