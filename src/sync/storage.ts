/**
 * The storage port: everything the engine keeps (studies, trials, metric series, what MLflow
 * acknowledged, sync states, jobs) behind one interface. Adapters: memory, PGlite, PostgreSQL.
 */
import type { SeriesSummary, SeriesWindow, SeriesWindowQuery } from '../protocol/index.js';
import type { JobRecord, JobState, NewJob } from './jobs.js';
import type {
  ColumnarPoints,
  MlflowLink,
  RemoteState,
  SeriesInfo,
  Study,
  SyncState,
  Trial,
  TrialSyncRecord,
} from './model.js';

/** One append of {@link StorageOps.appendPointsMany}. */
export interface SeriesAppend {
  trialId: string;
  key: string;
  points: ColumnarPoints;
}

/** The operations of a store; inside {@link Storage.transaction} they commit or roll back together. */
export interface StorageOps {
  upsertStudy(study: Study): Promise<void>;
  getStudy(id: string): Promise<Study | undefined>;
  listStudies(): Promise<Study[]>;

  /** Stores a trial; its `mlflow` link is kept in the store's own columns, and a trial without one keeps the stored link. */
  upsertTrial(trial: Trial): Promise<void>;
  getTrial(id: string): Promise<Trial | undefined>;
  /** Trials of a study (all trials without one), by number. */
  listTrials(studyId?: string): Promise<Trial[]>;
  /** The trial linked to an MLflow run: the link is navigable both ways. */
  findTrialByRun(runId: string): Promise<Trial | undefined>;
  /** One more than the highest trial number of the study (0 for the first). */
  nextTrialNumber(studyId: string): Promise<number>;
  setRunLink(trialId: string, link: MlflowLink): Promise<void>;
  getRemoteState(trialId: string): Promise<RemoteState | undefined>;
  setRemoteState(trialId: string, remote: RemoteState): Promise<void>;

  /** Appends points to a series in bulk; resolves with the series' new length. */
  appendPoints(trialId: string, key: string, points: ColumnarPoints): Promise<number>;
  /**
   * Appends to many series at once, in order, in a few statements whatever their number (several
   * appends may go to one series). Resolves with each append's series length after it, or
   * undefined where its trial does not exist (nothing is stored for it).
   */
  appendPointsMany(appends: readonly SeriesAppend[]): Promise<(number | undefined)[]>;
  /** Points `from` (inclusive) to `to` (exclusive, default the end) of a series, in append order. */
  readSeries(trialId: string, key: string, from?: number, to?: number): Promise<ColumnarPoints>;
  listSeries(trialId: string): Promise<SeriesInfo[]>;
  /**
   * The exact M4 points of a window over one metric of one or many trials of a study, read from
   * the series summaries (raw points only where needed), in a few statements whatever the number
   * of trials. Throws `ValidationError` naming the field for a bad request, `NotFoundError` for an unknown study.
   */
  getSeriesWindow(query: SeriesWindowQuery, signal?: AbortSignal): Promise<SeriesWindow>;
  /** Count, first, last, min and max of every series of a study, by trial number then key. */
  getSeriesSummaries(studyId: string): Promise<SeriesSummary[]>;
  /** Records that MLflow holds the first `acked` points of the series (never lowers it). */
  setAcked(trialId: string, key: string, acked: number): Promise<void>;

  setSyncState(trialId: string, state: SyncState, error?: string): Promise<void>;
  getSyncState(trialId: string): Promise<TrialSyncRecord | undefined>;
  listSyncStates(): Promise<TrialSyncRecord[]>;

  /** Queues a job, or merges it into the queued job of the same subject and action. */
  enqueueJob(job: NewJob): Promise<{ id: number; coalesced: boolean }>;
  /** {@link enqueueJob} for many jobs in one statement (at most one per subject and action), results in order. */
  enqueueJobs(jobs: readonly NewJob[]): Promise<{ id: number; coalesced: boolean }[]>;
  /** Leases the next due job whose subject no other worker holds; re-queues expired leases first. */
  claimJob(leaseMs: number): Promise<JobRecord | undefined>;
  /** Extends a lease; false if the job is no longer held with that token. */
  renewLease(id: number, token: string, leaseMs: number): Promise<boolean>;
  /** Removes a finished job; false if the lease was lost. */
  completeJob(id: number, token: string): Promise<boolean>;
  /** Queues a failed job again after `delayMs`, keeping `error` as its last error. */
  retryJobLater(id: number, token: string, delayMs: number, error: string): Promise<boolean>;
  /** Moves a job to the dead-letter state with its last error. */
  killJob(id: number, token: string, error: string): Promise<boolean>;
  /** Queues a dead job again, with a fresh attempts count. */
  retryDeadJob(id: number): Promise<boolean>;
  listJobs(state?: JobState): Promise<JobRecord[]>;
  /** Whether a job for the subject waits in the queue. */
  hasQueuedJob(subject: string): Promise<boolean>;
  /** How many jobs are queued or active. */
  countPendingJobs(): Promise<number>;
  /** Tells other processes sharing the store about changes, when this transaction commits (no-op on single-process stores). */
  notifyChanges(payloads: string[]): Promise<void>;
  /** Milliseconds until the next queued job is due (0 if one is due now), undefined if none is queued. */
  msUntilNextJob(): Promise<number | undefined>;
}

/** What {@link Storage.changesWithin} reads. */
export interface StoreChanges {
  studies: Study[];
  trials: Trial[];
  syncStates: TrialSyncRecord[];
  /** Every series with points, and how many it has. */
  series: { trialId: string; key: string; points: number }[];
}

/** A store. Create one with `createMemoryStorage`, `createPgliteStorage` or `createPostgresStorage`. */
export interface Storage extends StorageOps {
  /** Which adapter this is. */
  readonly kind: 'memory' | 'pglite' | 'postgres';
  /** Runs `fn` in one transaction: everything it writes commits together, or nothing does. */
  transaction<T>(fn: (tx: StorageOps) => Promise<T>): Promise<T>;
  /**
   * Calls `onChange` with what other processes pass to `notifyChanges` (PostgreSQL's LISTEN/NOTIFY).
   * Notices sent while the listening connection was lost are gone: once it listens again,
   * `onResume` is called with how long it was away (ms), to catch up with {@link changesWithin}.
   * Resolves with the function that stops listening, or undefined when no other process can share the store.
   */
  listenChanges(
    onChange: (payload: string) => void,
    onResume?: (awayMs: number) => void,
  ): Promise<(() => Promise<void>) | undefined>;
  /** The studies, trials and sync states changed in the last `ms` milliseconds, and every series' length. */
  changesWithin(ms: number): Promise<StoreChanges>;
  /** Resolves once the schema is migrated; every operation waits for it anyway. */
  ready(): Promise<void>;
  /** Closes connections (and, for PGlite, flushes to its directory). */
  close(): Promise<void>;
}
