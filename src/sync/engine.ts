/**
 * The sync engine: records studies, trials and metric points in a store, queues their sync jobs in
 * the same transaction, works the queue against MLflow, and tells subscribers what changed in the
 * event protocol's terms.
 */
import type { MlflowClient } from '../mlflow/index.js';
import {
  type MetricBatch,
  PROTOCOL_VERSION,
  parseSeriesWindowQuery,
  type SeriesSummary,
  type SeriesWindow,
  type SeriesWindowQuery,
  SeriesWindowQueryError,
  type SnapshotEvent,
  type SnapshotOptions,
  type TrialEvent,
} from '../protocol/index.js';
import { type ActionContext, runJob } from './actions.js';
import { SeriesFeed } from './change-feed.js';
import { AppendGroups } from './engine/append-group.js';
import { type EnqueueOptions, SyncProgress } from './engine/progress.js';
import {
  putEvents,
  putNotes,
  putPoints,
  putStudy,
  putTrial,
  type RecordDeps,
  type StudyUpsert,
} from './engine/records.js';
import { Relay } from './engine/relay.js';
import { createGroupWrite, createWrite } from './engine/write.js';
import { NotFoundError, SyncError, ValidationError } from './errors.js';
import { EventHub } from './event-hub.js';
import { describeJob, type JobAction, type JobRecord, type JobState } from './jobs.js';
import { requireTrial } from './lookup.js';
import type { SeriesInfo, Study, Trial, TrialInput, TrialSyncRecord } from './model.js';
import type { Storage } from './storage.js';
import type { MetricPointInput } from './validate.js';
import { DEFAULT_JOB_RETRY, type RetryPolicy, Worker } from './worker.js';

export type { EnqueueOptions, StudyUpsert };

export interface SyncEngineOptions {
  /** Where everything is kept: `createMemoryStorage()`, `createPgliteStorage()`, `createPostgresStorage()`. */
  storage: Storage;
  /** The MLflow client to sync with; not needed with `enabled: false`. */
  mlflow?: MlflowClient;
  /** `false`: record trials only; nothing is queued and nothing talks to MLflow. Default true. */
  enabled?: boolean;
  /** Queue a push of a trial with every change to it (in the same transaction). Default true. */
  autoSync?: boolean;
  /** The MLflow experiment of a study. Default: the study's name. */
  experimentName?(study: Study): string;
  /** Jobs this process works at once. Default 4. */
  concurrency?: number;
  /** Lease of a claimed job; a worker that stops renewing it (it died) loses the job after this long. Default 30 s. */
  leaseMs?: number;
  /** How often an idle worker looks for due jobs. Default 500 ms. */
  pollIntervalMs?: number;
  /** Job retries: attempts, backoff base and cap. */
  retry?: Partial<RetryPolicy>;
  /**
   * Store appends called while the engine is writing together, in one transaction (group commit).
   * Default true; false writes each `appendMetrics` in its own transaction (to measure the gain).
   */
  groupAppends?: boolean;
  /** Receives what a `subscribe` listener threw (the other listeners still get the event). Default: `console.error`. */
  onListenerError?(error: unknown, event: TrialEvent): void;
}

export interface SyncEngine {
  /**
   * Validates and stores a study; emits `study.upsert`. `createdAt` defaults to the stored one, else
   * now. Its MLflow link is the engine's: one in the input is ignored.
   * @throws ValidationError (an MlflowLimitError for a name MLflow refuses, with sync on).
   */
  upsertStudy(study: StudyUpsert): Promise<Study>;
  /**
   * Validates and stores a trial of an existing study and, with `autoSync`, queues its push in the
   * same transaction. Emits `trial.upsert` (and `sync.state` when its state changes). Its MLflow
   * link is the engine's: one in the input is ignored.
   * @throws ValidationError before anything is stored (an MlflowLimitError, naming the field, for a
   * value MLflow refuses, with sync on); NotFoundError if the study does not exist.
   */
  upsertTrial(trial: TrialInput): Promise<Trial>;
  /**
   * Appends points to a series in bulk and queues the trial's push; emits one `metrics.append`.
   * Resolves with the series length. Appends called while the engine is writing are stored
   * together in one transaction (each still fails or succeeds on its own).
   */
  appendMetrics(trialId: string, key: string, points: readonly MetricPointInput[]): Promise<number>;
  /** Sets (or, with `undefined`, clears) a trial's notes; they sync as MLflow's run description. */
  setTrialNotes(trialId: string, notes: string | undefined): Promise<Trial>;
  /**
   * Applies parsed protocol events (`study.upsert`, `trial.upsert`, `metrics.append`) in order, in
   * one transaction: all of them or none.
   * @throws EventBatchError naming the event's index and the offending field; SyncError (the store's
   * own error as `cause`) when the store fails.
   */
  applyEvents(events: readonly TrialEvent[]): Promise<void>;
  getStudy(id: string): Promise<Study | undefined>;
  listStudies(): Promise<Study[]>;
  /** A trial with its MLflow link (`trial.mlflow.runId`) once it has a run. */
  getTrial(id: string): Promise<Trial | undefined>;
  /** The trial linked to an MLflow run. */
  findTrialByRun(runId: string): Promise<Trial | undefined>;
  /** Trials of a study by number (every trial without a study id). */
  listTrials(studyId?: string): Promise<Trial[]>;
  listSeries(trialId: string): Promise<SeriesInfo[]>;
  /** A whole series, columnar, in append order, as one protocol metric batch. */
  getSeries(trialId: string, key: string): Promise<MetricBatch>;
  /** The exact M4 points of a window over one metric of many trials of a study (see {@link Storage.getSeriesWindow}). */
  getSeriesWindow(query: SeriesWindowQuery, signal?: AbortSignal): Promise<SeriesWindow>;
  /** Count, first, last, min and max of every series of a study: what a table or a new tab needs. */
  getSeriesSummaries(studyId: string): Promise<SeriesSummary[]>;
  getSyncState(trialId: string): Promise<TrialSyncRecord | undefined>;

  /** Queues a job. @throws UnknownActionError / ValidationError at once, before anything is queued. */
  enqueue(
    action: JobAction | (string & {}),
    payload: Record<string, unknown>,
    options?: EnqueueOptions,
  ): Promise<{ id: number; coalesced: boolean }>;
  /** Queues a push of the trial (what `autoSync` does on every change). */
  syncTrial(trialId: string): Promise<void>;
  /** Queues a pull of the trial's run, to pick up status and tag changes made in MLflow. */
  pullTrial(trialId: string): Promise<void>;
  /** Queues the import of every run of the study's experiment that no trial is linked to. */
  importExperiment(studyId: string): Promise<void>;
  /** Jobs, e.g. `listJobs('dead')` for the dead-letter queue with each job's last error. */
  listJobs(state?: JobState): Promise<JobRecord[]>;
  /** Queues a dead job again with a fresh attempts count. */
  retryJob(id: number): Promise<boolean>;

  /** Starts working jobs in this process. */
  start(): void;
  /** Resolves when no job is queued or running (working them meanwhile if `start()` was not called). */
  drain(): Promise<void>;
  /** Stops claiming jobs; resolves when the jobs in hand are finished. `start()` resumes. */
  stop(): Promise<void>;

  /** Calls `listener` with every event, synchronously after its change committed; returns the unsubscribe function. */
  subscribe(listener: (event: TrialEvent) => void): () => void;
  /**
   * Everything as one `snapshot` event whose `seq` is the last event it contains: subscribe, then
   * snapshot, and skip events with `seq <= snapshot.seq`. `{ points: false }`: per series its
   * summary instead of its points (one query per study).
   */
  snapshot(options?: SnapshotOptions): Promise<SnapshotEvent>;
  /** {@link getSeriesWindow} as an `EventProducer` offers it: errors are `SeriesWindowQueryError`s naming the field. */
  seriesWindow(query: SeriesWindowQuery, signal?: AbortSignal): Promise<SeriesWindow>;
}

/** Creates a sync engine on a store. Call `start()` to work jobs. */
export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  const { storage, mlflow } = options;
  const enabled = options.enabled ?? true;
  const retry: RetryPolicy = { ...DEFAULT_JOB_RETRY, ...options.retry };
  if (enabled && !mlflow)
    throw new SyncError('createSyncEngine needs an `mlflow` client unless `enabled: false`');
  const hub = new EventHub(options.onListenerError);
  const feed = new SeriesFeed();
  const origin = crypto.randomUUID();
  const writeDeps = { storage, hub, feed, origin, afterWrite: () => worker.wake() };
  const write = createWrite(writeDeps);
  const progress = new SyncProgress({ storage, write, enabled, autoSync: options.autoSync ?? true, retry });
  const relay = new Relay(storage, hub, feed, origin);
  const experimentName = options.experimentName ?? ((study: Study) => study.name || study.id);
  const records: RecordDeps = { progress, ...(enabled && { experimentName }) };
  const appends = new AppendGroups(hub, createGroupWrite(writeDeps), records);

  const context: ActionContext = {
    storage,
    mlflow: mlflow as MlflowClient,
    write,
    experimentName,
    enqueue: async (action, payload) => {
      await write((scope) => progress.enqueue(scope, action, payload));
    },
  };
  const worker = new Worker(
    storage,
    progress.workerHooks((job, signal) => runJob(context, job, signal)),
    {
      concurrency: options.concurrency ?? 4,
      leaseMs: options.leaseMs ?? 30_000,
      pollIntervalMs: options.pollIntervalMs ?? 500,
      retry,
    },
  );

  async function seriesOf(trialId: string, key: string, length?: number): Promise<MetricBatch> {
    const p = await storage.readSeries(trialId, key, 0, length);
    return {
      trialId,
      key,
      steps: Array.from(p.steps),
      values: Array.from(p.values),
      timestamps: Array.from(p.timestamps),
    };
  }

  const engine: SyncEngine = {
    upsertStudy: (input) => write((scope) => putStudy(scope, input, records)),
    upsertTrial: (input) => write((scope) => putTrial(scope, input, records)),
    appendMetrics: (trialId, key, points) =>
      options.groupAppends === false
        ? write((scope) => putPoints(scope, trialId, key, points, records))
        : appends.append(trialId, key, points),
    setTrialNotes: (trialId, notes) => write((scope) => putNotes(scope, trialId, notes, records)),
    applyEvents: (events) => write((scope) => putEvents(scope, events, records)),

    getStudy: (id) => storage.getStudy(id),
    listStudies: () => storage.listStudies(),
    getTrial: (id) => storage.getTrial(id),
    findTrialByRun: (runId) => storage.findTrialByRun(runId),
    listTrials: (studyId) => storage.listTrials(studyId),
    listSeries: (trialId) => storage.listSeries(trialId),
    getSeries: (trialId, key) => seriesOf(trialId, key),
    getSeriesWindow: (query, signal) => storage.getSeriesWindow(query, signal),
    // Parsed here first so a malformed field is told apart from an unknown one.
    seriesWindow: async (query, signal) =>
      storage.getSeriesWindow(parseSeriesWindowQuery(query), signal).catch(asWindowError),
    getSeriesSummaries: (studyId) => storage.getSeriesSummaries(studyId),
    getSyncState: (trialId) => storage.getSyncState(trialId),

    async enqueue(action, payload, opts) {
      describeJob(action, payload);
      if (!enabled) throw new SyncError(`cannot queue ${action}: sync is disabled (enabled: false)`);
      return write((scope) => progress.enqueue(scope, action, payload, opts));
    },
    async syncTrial(trialId) {
      await engine.enqueue('trial.push', { trialId });
    },
    async pullTrial(trialId) {
      const trial = await requireTrial(storage, trialId);
      if (!trial.mlflow?.runId)
        throw new SyncError(`trial ${JSON.stringify(trialId)} has no MLflow run to pull`);
      await engine.enqueue('run.pull', { runId: trial.mlflow.runId, studyId: trial.studyId, trialId });
    },
    async importExperiment(studyId) {
      await engine.enqueue('experiment.import', { studyId });
    },
    listJobs: (state) => storage.listJobs(state),
    async retryJob(id) {
      const job = (await storage.listJobs('dead')).find((j) => j.id === id);
      if (!job || !(await storage.retryDeadJob(id))) return false;
      await progress.jobState(job, 'pending');
      return true;
    },

    start() {
      if (enabled) worker.start();
    },
    async drain() {
      if (!enabled) return;
      const temporary = !worker.isRunning;
      if (temporary) worker.start();
      try {
        while ((await storage.countPendingJobs()) > 0) await new Promise((r) => setTimeout(r, 20));
      } finally {
        if (temporary) await worker.stop();
      }
    },
    stop: () => worker.stop(),

    subscribe(listener) {
      const unsubscribe = hub.subscribe(listener);
      relay.followSubscribers();
      return () => {
        unsubscribe();
        relay.followSubscribers();
      };
    },
    async snapshot(options = {}) {
      // Changes other processes commit from here on are relayed after the snapshot, not lost.
      await relay.ready();
      return hub.exclusive(async (seq) => {
        const [studies, trials, sync] = await Promise.all([
          storage.listStudies(),
          storage.listTrials(),
          storage.listSyncStates(),
        ]);
        if (options.points === false) {
          const summaries = await Promise.all(studies.map((s) => storage.getSeriesSummaries(s.id)));
          return {
            v: PROTOCOL_VERSION,
            seq,
            type: 'snapshot',
            studies,
            trials,
            metrics: [],
            summaries: summaries.flat(),
            sync,
          } satisfies SnapshotEvent;
        }
        const metrics: MetricBatch[] = [];
        for (const trial of trials) {
          for (const { key, points } of await storage.listSeries(trial.id)) {
            metrics.push(await seriesOf(trial.id, key, feed.snapshotLength(trial.id, key, points)));
          }
        }
        return {
          v: PROTOCOL_VERSION,
          seq,
          type: 'snapshot',
          studies,
          trials,
          metrics,
          sync,
        } satisfies SnapshotEvent;
      });
    },
  };
  return engine;
}

/** A storage error of a window request as the protocol's error, naming the field. */
function asWindowError(err: unknown): never {
  if (err instanceof NotFoundError && err.entity === 'study')
    throw new SeriesWindowQueryError(err.message, 'studyId', true);
  if (err instanceof ValidationError && err.path) {
    const unknown = err.path === 'key' || err.path.startsWith('trialIds.');
    throw new SeriesWindowQueryError(err.message, err.path, unknown);
  }
  throw err;
}
