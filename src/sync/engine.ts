/**
 * The sync engine: records studies, trials and metric points in a store, queues their sync jobs in
 * the same transaction, works the queue against MLflow, and tells subscribers what changed in the
 * event protocol's terms.
 */
import type { MlflowClient } from '../mlflow/index.js';
import type { MetricBatch, SnapshotEvent, SyncState, TrialEvent } from '../protocol/events.js';
import { type ActionContext, actionHandlers } from './actions.js';
import { NotFoundError, PermanentJobError, SyncError } from './errors.js';
import { type Emit, EventHub } from './event-hub.js';
import { describeJob, type JobAction, type JobRecord, type JobState, jobPayloadSchemas } from './jobs.js';
import type { SeriesInfo, Study, StudyInput, Trial, TrialInput, TrialSyncStatus } from './model.js';
import type { Storage, StorageOps } from './storage.js';
import { type MetricPointInput, parseMetricKey, parseStudy, parseTrial, toColumns } from './validate.js';
import { DEFAULT_JOB_RETRY, type RetryPolicy, Worker } from './worker.js';

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
}

/** Options of {@link SyncEngine.enqueue}. */
export interface EnqueueOptions {
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
  /** Overrides the engine's `retry.maxAttempts` for this job. */
  maxAttempts?: number;
}

/** A series as the engine returns it: one protocol metric batch. */
export type MetricSeries = MetricBatch;

export interface SyncEngine {
  /** Validates and stores a study (keeping its MLflow link); emits `study.upsert`. */
  upsertStudy(study: StudyInput): Promise<Study>;
  /**
   * Validates and stores a trial of an existing study and, with `autoSync`, queues its push in the
   * same transaction. Emits `trial.upsert` (and `sync.state` when its state changes).
   * @throws ValidationError before anything is stored; NotFoundError if the study does not exist.
   */
  upsertTrial(trial: TrialInput): Promise<Trial>;
  /** Appends points to a series in bulk and queues the trial's push; emits one `metrics.append`. Resolves with the series length. */
  appendMetrics(trialId: string, key: string, points: readonly MetricPointInput[]): Promise<number>;
  /** Sets (or, with `undefined`, clears) a trial's notes; they sync as MLflow's run description. */
  setTrialNotes(trialId: string, notes: string | undefined): Promise<Trial>;
  getStudy(id: string): Promise<Study | undefined>;
  listStudies(): Promise<Study[]>;
  /** A trial with its MLflow link (`trial.mlflow.runId`) once it has a run. */
  getTrial(id: string): Promise<Trial | undefined>;
  /** The trial linked to an MLflow run. */
  findTrialByRun(runId: string): Promise<Trial | undefined>;
  listTrials(studyId: string): Promise<Trial[]>;
  listSeries(trialId: string): Promise<SeriesInfo[]>;
  /** A whole series, columnar, in append order. */
  getSeries(trialId: string, key: string): Promise<MetricSeries>;
  getSyncState(trialId: string): Promise<TrialSyncStatus | undefined>;

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
  /** Everything as one `snapshot` event whose `seq` is the last event it contains: subscribe, then snapshot, and skip events with `seq <= snapshot.seq`. */
  snapshot(): Promise<SnapshotEvent>;
}

/** Creates a sync engine on a store. Call `start()` to work jobs. */
export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  const { storage, mlflow } = options;
  const enabled = options.enabled ?? true;
  const autoSync = options.autoSync ?? true;
  const retry: RetryPolicy = { ...DEFAULT_JOB_RETRY, ...options.retry };
  if (enabled && !mlflow)
    throw new SyncError('createSyncEngine needs an `mlflow` client unless `enabled: false`');
  const hub = new EventHub();

  const subjectTrial = (subject: string) =>
    subject.startsWith('trial:') ? subject.slice('trial:'.length) : undefined;

  async function setState(
    trialId: string,
    state: SyncState,
    emit: Emit,
    error?: string,
    tx: StorageOps = storage,
  ) {
    await tx.setSyncState(trialId, state, error);
    emit({ type: 'sync.state', trialId, state, ...(error !== undefined && { error }) });
  }

  async function enqueueIn(
    tx: StorageOps,
    action: string,
    payload: Record<string, unknown>,
    emit: Emit,
    opts: EnqueueOptions = {},
  ) {
    const job = describeJob(action, payload);
    const result = await tx.enqueueJob({
      ...job,
      maxAttempts: opts.maxAttempts ?? retry.maxAttempts,
      delayMs: opts.delayMs,
    });
    const trialId = subjectTrial(job.subject);
    if (trialId && !result.coalesced) await setState(trialId, 'pending', emit, undefined, tx);
    return result;
  }

  /** After a trial changed: queue its push (autoSync) or mark it unsynced (disabled). */
  async function afterChange(tx: StorageOps, trialId: string, isNew: boolean, emit: Emit): Promise<void> {
    if (!enabled) {
      if (isNew) await setState(trialId, 'disabled', emit, undefined, tx);
    } else if (autoSync) {
      await enqueueIn(tx, 'trial.push', { trialId }, emit);
    }
  }

  const context: ActionContext = {
    storage,
    mlflow: mlflow as MlflowClient,
    hub,
    experimentName: options.experimentName ?? ((study) => study.name || study.id),
    enqueue: async (tx, action, payload) => {
      await hub.write(async (emit) => {
        await enqueueIn(tx, action, payload, emit);
      });
    },
  };

  const worker = new Worker(
    storage,
    {
      async run(job) {
        const handler = actionHandlers[job.action] as
          | ((ctx: ActionContext, payload: unknown) => Promise<void>)
          | undefined;
        const schema = jobPayloadSchemas[job.action];
        if (!handler || !schema)
          throw new PermanentJobError(`job ${job.id} has unknown action ${JSON.stringify(job.action)}`);
        await handler(context, schema.parse(job.payload));
      },
      onClaimed: (job) => trialState(job, 'syncing'),
      async onDone(job) {
        const trialId = subjectTrial(job.subject);
        if (!trialId) return;
        const more = await storage.hasQueuedJob(job.subject);
        await trialState(job, more ? 'pending' : 'synced');
      },
      onFailed: (job, error, dead) => trialState(job, dead ? 'dead' : 'retrying', error),
    },
    {
      concurrency: options.concurrency ?? 4,
      leaseMs: options.leaseMs ?? 30_000,
      pollIntervalMs: options.pollIntervalMs ?? 500,
      retry,
    },
  );

  async function trialState(job: JobRecord, state: SyncState, error?: string): Promise<void> {
    const trialId = subjectTrial(job.subject);
    if (!trialId) return;
    await hub.write((emit) => setState(trialId, state, emit, error));
  }

  /** A write that may queue jobs: wakes this process's worker once it committed. */
  async function write<T>(fn: (tx: StorageOps, emit: Emit) => Promise<T>): Promise<T> {
    const result = await hub.write((emit) => storage.transaction((tx) => fn(tx, emit)));
    worker.wake();
    return result;
  }

  async function requireTrial(tx: StorageOps, trialId: string): Promise<Trial> {
    const trial = await tx.getTrial(trialId);
    if (!trial) throw new NotFoundError('trial', trialId);
    return trial;
  }

  const engine: SyncEngine = {
    async upsertStudy(input) {
      const study = parseStudy(input);
      return write(async (tx, emit) => {
        const existing = await tx.getStudy(study.id);
        const stored: Study = {
          ...study,
          ...((study.mlflow ?? existing?.mlflow) && { mlflow: study.mlflow ?? existing?.mlflow }),
        };
        await tx.upsertStudy(stored);
        emit({ type: 'study.upsert', study: stored });
        return stored;
      });
    },

    async upsertTrial(input) {
      const parsed = parseTrial(input);
      return write(async (tx, emit) => {
        const study = await tx.getStudy(parsed.studyId);
        if (!study) throw new NotFoundError('study', parsed.studyId);
        parseTrial(input, study);
        const existing = await tx.getTrial(parsed.id);
        await tx.upsertTrial(parsed);
        const stored = (await tx.getTrial(parsed.id)) as Trial;
        emit({ type: 'trial.upsert', trial: stored });
        await afterChange(tx, parsed.id, !existing, emit);
        return stored;
      });
    },

    async appendMetrics(trialId, key, points) {
      parseMetricKey(key);
      const columns = toColumns(points);
      return write(async (tx, emit) => {
        await requireTrial(tx, trialId);
        const total = await tx.appendPoints(trialId, key, columns);
        if (columns.steps.length) {
          emit({
            type: 'metrics.append',
            batches: [
              {
                trialId,
                key,
                steps: Array.from(columns.steps),
                values: Array.from(columns.values),
                timestamps: Array.from(columns.timestamps),
              },
            ],
          });
          await afterChange(tx, trialId, false, emit);
        }
        return total;
      });
    },

    async setTrialNotes(trialId, notes) {
      return write(async (tx, emit) => {
        const trial = await requireTrial(tx, trialId);
        const next = parseTrial({ ...trial, notes });
        if (notes === undefined) delete next.notes;
        await tx.upsertTrial(next);
        emit({ type: 'trial.upsert', trial: next });
        await afterChange(tx, trialId, false, emit);
        return next;
      });
    },

    getStudy: (id) => storage.getStudy(id),
    listStudies: () => storage.listStudies(),
    getTrial: (id) => storage.getTrial(id),
    findTrialByRun: (runId) => storage.findTrialByRun(runId),
    listTrials: (studyId) => storage.listTrials(studyId),
    listSeries: (trialId) => storage.listSeries(trialId),
    async getSeries(trialId, key) {
      const p = await storage.readSeries(trialId, key);
      return {
        trialId,
        key,
        steps: Array.from(p.steps),
        values: Array.from(p.values),
        timestamps: Array.from(p.timestamps),
      };
    },
    getSyncState: (trialId) => storage.getSyncState(trialId),

    async enqueue(action, payload, opts) {
      describeJob(action, payload);
      if (!enabled) throw new SyncError(`cannot queue ${action}: sync is disabled (enabled: false)`);
      return write((tx, emit) => enqueueIn(tx, action, payload, emit, opts));
    },
    async syncTrial(trialId) {
      await engine.enqueue('trial.push', { trialId });
    },
    async pullTrial(trialId) {
      const trial = await storage.getTrial(trialId);
      if (!trial) throw new NotFoundError('trial', trialId);
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
      if (!job) return false;
      const retried = await storage.retryDeadJob(id);
      if (retried) await trialState(job, 'pending');
      worker.wake();
      return retried;
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

    subscribe: (listener) => hub.subscribe(listener),
    snapshot() {
      return hub.exclusive(async (seq) => {
        const [studies, trials, sync] = await Promise.all([
          storage.listStudies(),
          storage.listTrials(),
          storage.listSyncStates(),
        ]);
        const metrics: MetricBatch[] = [];
        for (const trial of trials) {
          for (const { key } of await storage.listSeries(trial.id))
            metrics.push(await engine.getSeries(trial.id, key));
        }
        return { v: 1, seq, type: 'snapshot', studies, trials, metrics, sync } satisfies SnapshotEvent;
      });
    },
  };
  return engine;
}
