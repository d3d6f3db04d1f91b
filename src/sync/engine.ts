/**
 * The sync engine: records studies, trials and metric points in a store, queues their sync jobs in
 * the same transaction, works the queue against MLflow, and tells subscribers what changed in the
 * event protocol's terms.
 */
import type { MlflowClient } from '../mlflow/index.js';
import type { MetricBatch, SnapshotEvent, SyncState, TrialEvent } from '../protocol/events.js';
import type { SeriesSummary, SeriesWindow, SeriesWindowQuery } from '../protocol/index.js';
import { type ActionContext, actionHandlers } from './actions.js';
import { type ChangeNotice, parseNotice, SeriesFeed, type WriteScope } from './change-feed.js';
import { NotFoundError, PermanentJobError, SyncError } from './errors.js';
import { EventHub, type UnsequencedEvent } from './event-hub.js';
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
  /** Trials of a study by number (every trial without a study id). */
  listTrials(studyId?: string): Promise<Trial[]>;
  listSeries(trialId: string): Promise<SeriesInfo[]>;
  /** A whole series, columnar, in append order. */
  getSeries(trialId: string, key: string): Promise<MetricSeries>;
  /** The exact M4 points of a window over one metric of many trials of a study (see {@link Storage.getSeriesWindow}). */
  getSeriesWindow(query: SeriesWindowQuery, signal?: AbortSignal): Promise<SeriesWindow>;
  /** Count, first, last, min and max of every series of a study: what a table or a new tab needs. */
  getSeriesSummaries(studyId: string): Promise<SeriesSummary[]>;
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
  const feed = new SeriesFeed();
  /** Tells this engine's notices from other processes' ones. */
  const origin = crypto.randomUUID();

  const subjectTrial = (subject: string) =>
    subject.startsWith('trial:') ? subject.slice('trial:'.length) : undefined;

  /**
   * The one way state changes: in one transaction, under the hub's lock, with its events delivered
   * after the commit and a notice for other processes sharing the store committed with it.
   */
  async function write<T>(fn: (scope: WriteScope) => Promise<T>): Promise<T> {
    try {
      return await hub.write(async (emit) => {
        try {
          const result = await storage.transaction(async (tx) => {
            const notices: ChangeNotice[] = [];
            const result = await fn({
              tx,
              emit(event) {
                emit(event);
                const notice = noticeOf(event, origin);
                if (notice) notices.push(notice);
              },
              async points(trialId, key, from, to, known) {
                await feed.extend(tx, emit, trialId, key, from, to, known);
                notices.push({ origin, kind: 'metrics', id: trialId, key, from, to });
              },
            });
            await tx.notifyChanges(notices.map((n) => JSON.stringify(n)));
            return result;
          });
          feed.commit();
          return result;
        } catch (err) {
          feed.discard();
          throw err;
        }
      });
    } finally {
      worker.wake();
    }
  }

  async function setState(scope: WriteScope, trialId: string, state: SyncState, error?: string) {
    await scope.tx.setSyncState(trialId, state, error);
    scope.emit({ type: 'sync.state', trialId, state, ...(error !== undefined && { error }) });
  }

  async function enqueueIn(
    scope: WriteScope,
    action: string,
    payload: Record<string, unknown>,
    opts: EnqueueOptions = {},
  ) {
    const job = describeJob(action, payload);
    const result = await scope.tx.enqueueJob({
      ...job,
      maxAttempts: opts.maxAttempts ?? retry.maxAttempts,
      delayMs: opts.delayMs,
    });
    const trialId = subjectTrial(job.subject);
    if (trialId && !result.coalesced) await setState(scope, trialId, 'pending');
    return result;
  }

  /** After a trial changed: queue its push (autoSync) or mark it unsynced (disabled). */
  async function afterChange(scope: WriteScope, trialId: string, isNew: boolean): Promise<void> {
    if (!enabled) {
      if (isNew) await setState(scope, trialId, 'disabled');
    } else if (autoSync) {
      await enqueueIn(scope, 'trial.push', { trialId });
    }
  }

  async function trialState(job: JobRecord, state: SyncState, error?: string): Promise<void> {
    const trialId = subjectTrial(job.subject);
    if (trialId) await write((scope) => setState(scope, trialId, state, error));
  }

  const context: ActionContext = {
    storage,
    mlflow: mlflow as MlflowClient,
    write,
    experimentName: options.experimentName ?? ((study) => study.name || study.id),
    enqueue: async (action, payload) => {
      await write((scope) => enqueueIn(scope, action, payload));
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
        if (!subjectTrial(job.subject)) return;
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

  /** Re-emits another process's change, read back from the shared store. */
  function relay(payload: string): void {
    const notice = parseNotice(payload);
    if (!notice || notice.origin === origin) return;
    hub
      .write(async (emit) => {
        if (notice.kind === 'metrics') {
          await feed.extend(storage, emit, notice.id, notice.key, notice.from, notice.to);
          feed.commit();
        } else {
          const event = await currentEvent(notice.kind, notice.id);
          if (event) emit(event);
        }
      })
      .catch(() => {
        // The store is unreachable: this event is lost for this process's subscribers; later ones flow.
      });
  }

  async function currentEvent(
    kind: 'study' | 'trial' | 'sync',
    id: string,
  ): Promise<UnsequencedEvent | undefined> {
    if (kind === 'study') {
      const study = await storage.getStudy(id);
      return study && { type: 'study.upsert', study };
    }
    if (kind === 'trial') {
      const trial = await storage.getTrial(id);
      return trial && { type: 'trial.upsert', trial };
    }
    const sync = await storage.getSyncState(id);
    return (
      sync && {
        type: 'sync.state',
        trialId: id,
        state: sync.state,
        ...(sync.error !== undefined && { error: sync.error }),
      }
    );
  }

  /** Listens to other processes while anyone listens to this engine. */
  let listening: Promise<(() => Promise<void>) | undefined> | undefined;
  function listenWhileSubscribed(): void {
    if (hub.listenerCount > 0 && !listening) {
      listening = storage.listenChanges(relay).catch(() => undefined);
    } else if (hub.listenerCount === 0 && listening) {
      const stopping = listening;
      listening = undefined;
      void stopping.then((stop) => stop?.());
    }
  }

  async function requireTrial(tx: StorageOps, trialId: string): Promise<Trial> {
    const trial = await tx.getTrial(trialId);
    if (!trial) throw new NotFoundError('trial', trialId);
    return trial;
  }

  async function seriesOf(trialId: string, key: string, length?: number): Promise<MetricSeries> {
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
    async upsertStudy(input) {
      const study = parseStudy(input);
      return write(async (scope) => {
        const existing = await scope.tx.getStudy(study.id);
        const mlflowLink = study.mlflow ?? existing?.mlflow;
        const stored: Study = { ...study, ...(mlflowLink && { mlflow: mlflowLink }) };
        await scope.tx.upsertStudy(stored);
        scope.emit({ type: 'study.upsert', study: stored });
        return stored;
      });
    },

    async upsertTrial(input) {
      const parsed = parseTrial(input);
      return write(async (scope) => {
        const study = await scope.tx.getStudy(parsed.studyId);
        if (!study) throw new NotFoundError('study', parsed.studyId);
        parseTrial(input, study);
        const existing = await scope.tx.getTrial(parsed.id);
        await scope.tx.upsertTrial(parsed);
        const stored = (await scope.tx.getTrial(parsed.id)) as Trial;
        scope.emit({ type: 'trial.upsert', trial: stored });
        await afterChange(scope, parsed.id, !existing);
        return stored;
      });
    },

    async appendMetrics(trialId, key, points) {
      parseMetricKey(key);
      const columns = toColumns(points);
      return write(async (scope) => {
        await requireTrial(scope.tx, trialId);
        const total = await scope.tx.appendPoints(trialId, key, columns);
        if (columns.steps.length) {
          await scope.points(trialId, key, total - columns.steps.length, total, columns);
          await afterChange(scope, trialId, false);
        }
        return total;
      });
    },

    async setTrialNotes(trialId, notes) {
      return write(async (scope) => {
        const trial = await requireTrial(scope.tx, trialId);
        const next = parseTrial({ ...trial, notes });
        if (notes === undefined) delete next.notes;
        await scope.tx.upsertTrial(next);
        scope.emit({ type: 'trial.upsert', trial: next });
        await afterChange(scope, trialId, false);
        return next;
      });
    },

    getStudy: (id) => storage.getStudy(id),
    listStudies: () => storage.listStudies(),
    getTrial: (id) => storage.getTrial(id),
    findTrialByRun: (runId) => storage.findTrialByRun(runId),
    listTrials: (studyId) => storage.listTrials(studyId),
    listSeries: (trialId) => storage.listSeries(trialId),
    getSeries: (trialId, key) => seriesOf(trialId, key),
    getSeriesWindow: (query, signal) => storage.getSeriesWindow(query, signal),
    getSeriesSummaries: (studyId) => storage.getSeriesSummaries(studyId),
    getSyncState: (trialId) => storage.getSyncState(trialId),

    async enqueue(action, payload, opts) {
      describeJob(action, payload);
      if (!enabled) throw new SyncError(`cannot queue ${action}: sync is disabled (enabled: false)`);
      return write((scope) => enqueueIn(scope, action, payload, opts));
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
      if (!job || !(await storage.retryDeadJob(id))) return false;
      await trialState(job, 'pending');
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
      listenWhileSubscribed();
      return () => {
        unsubscribe();
        listenWhileSubscribed();
      };
    },
    async snapshot() {
      // Changes other processes commit from here on are relayed after the snapshot, not lost.
      await listening;
      return hub.exclusive(async (seq) => {
        const [studies, trials, sync] = await Promise.all([
          storage.listStudies(),
          storage.listTrials(),
          storage.listSyncStates(),
        ]);
        const metrics: MetricBatch[] = [];
        for (const trial of trials) {
          for (const { key, points } of await storage.listSeries(trial.id)) {
            metrics.push(await seriesOf(trial.id, key, feed.snapshotLength(trial.id, key, points)));
          }
        }
        return { v: 1, seq, type: 'snapshot', studies, trials, metrics, sync } satisfies SnapshotEvent;
      });
    },
  };
  return engine;
}

/** The notice other processes need for an event (metric points have their own, with a range). */
function noticeOf(event: UnsequencedEvent, origin: string): ChangeNotice | undefined {
  switch (event.type) {
    case 'study.upsert':
      return { origin, kind: 'study', id: event.study.id };
    case 'trial.upsert':
      return { origin, kind: 'trial', id: event.trial.id };
    case 'sync.state':
      return { origin, kind: 'sync', id: event.trialId };
    default:
      return undefined;
  }
}
