/**
 * The reactive store every component renders: studies, trials, sync states and columnar metric
 * series, fed by protocol events from any source. Subscribers hear at most once per animation
 * frame, with what changed since they last heard, so a flood of events costs a few renders.
 */
// Runtime imports name their modules, not the protocol's index: a bundler splitting code follows
// the index's every re-export (the schemas, zod) into a dashboard's connection.
import { parseEvent } from '../protocol/codec.js';
import type {
  ErrorEvent,
  MetricBatch,
  SeriesSummary,
  SeriesWindow,
  SeriesWindowQuery,
  Study,
  SyncState,
  TeamEvent,
  Trial,
  TrialEvent,
} from '../protocol/index.js';
import { applyTeamEdit, TeamEditError } from '../protocol/team-edits.js';
import { type PointKeysListener, ShownWindows } from './lod/shown-windows.js';
import type { SeriesWindowFetcher } from './lod/window-fetcher.js';
import { PresenceState } from './presence.js';
import type { MetricSeries } from './series.js';
import { seriesId } from './series.js';
import { getOrCreate, SeriesState } from './series-state.js';
import { PendingChange, type StoreChange } from './store-change.js';

export type { PointKeysListener } from './lod/shown-windows.js';
export type { SeriesChange, StoreChange } from './store-change.js';

export type StoreListener = (change: StoreChange, store: TrialStore) => void;

export interface TrialSyncStatus {
  state: SyncState;
  error?: string;
}

/** The state of whatever feeds the store, set by sources. */
export interface ConnectionStatus {
  state: 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed' | 'error';
  /** Why, for `reconnecting`, `closed` and `error`. */
  message?: string;
}

export interface TrialStoreOptions {
  /**
   * Schedules a notification. Defaults to `requestAnimationFrame` where there is one (so changes
   * reach the screen once per frame) and a 16 ms timer elsewhere.
   */
  schedule?: (notify: () => void) => void;
  /** Bytes of fetched windows kept once no chart shows them (least recently used dropped first). */
  windowBudgetBytes?: number;
}

const defaultSchedule = (notify: () => void) => {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(notify);
  else setTimeout(notify, 16);
};

export class TrialStore {
  private readonly _studies = new Map<string, Study>();
  private readonly _trials = new Map<string, Trial>();
  private readonly _trialsByStudy = new Map<string, Set<string>>();
  private readonly _series = new SeriesState();
  private readonly _sync = new Map<string, TrialSyncStatus>();
  private readonly windows: ShownWindows;
  private readonly listeners = new Set<StoreListener>();
  private readonly schedule: (notify: () => void) => void;
  private pending = new PendingChange();
  private scheduled = false;
  private _connection: ConnectionStatus = { state: 'idle' };
  private _loaded = false;
  private _lastSeq = -1;
  /** Who is looking at which study, and this tab's own announcement (see `PresenceState`). */
  readonly presence = new PresenceState(() => {
    this.pending.presence = true;
    this.requestNotify();
  });

  constructor(options: TrialStoreOptions = {}) {
    this.schedule = options.schedule ?? defaultSchedule;
    this.windows = new ShownWindows(() => {
      this.pending.windows = true;
      this.requestNotify();
    }, options.windowBudgetBytes);
  }

  /** The `seq` of the last snapshot, or the highest applied since (-1 before any); sources resume from it. */
  get lastSeq(): number {
    return this._lastSeq;
  }
  /** True once a snapshot (or any event) has arrived: components leave their loading state. */
  get loaded(): boolean {
    return this._loaded;
  }
  get connection(): ConnectionStatus {
    return this._connection;
  }

  /**
   * Validates and applies an event from an untrusted producer (parsed JSON or JSON text).
   * A malformed event changes nothing and is reported as an `error` in the next change.
   * Returns whether it was applied.
   */
  apply(input: unknown): boolean {
    const result = parseEvent(input);
    if (result.ok) {
      this.applyTrusted(result.event);
      return true;
    }
    this.reportError(result.error.code, result.error.message, result.error.path);
    return false;
  }

  /** Applies an event already known to be valid (an in-process producer's), without re-validating. */
  applyTrusted(event: TrialEvent): void {
    // Presence is state beside the producer's: it neither moves `lastSeq` nor counts as loading.
    if (event.type === 'presence') {
      this.presence.apply(event);
      return;
    }
    // A snapshot states the producer's whole state as of its seq: resume from there, even if an
    // earlier producer (before a server restart) had counted higher.
    this._lastSeq = event.type === 'snapshot' ? event.seq : Math.max(this._lastSeq, event.seq);
    this._loaded = true;
    switch (event.type) {
      case 'snapshot':
        this.replaceAll(event);
        break;
      case 'study.upsert':
        this._studies.set(event.study.id, event.study);
        this.pending.studies.add(event.study.id);
        break;
      case 'study.remove':
        this.removeStudy(event.studyId);
        break;
      case 'trial.upsert':
        this.putTrial(event.trial);
        break;
      case 'trial.remove':
        this.removeTrial(event.trialId);
        break;
      case 'metrics.append':
        for (const batch of event.batches) this.appendBatch(batch);
        break;
      case 'metrics.summary':
        for (const summary of event.summaries) this.mergeSummary(summary);
        break;
      case 'sync.state':
        this.setSync(event.trialId, { state: event.state, error: event.error });
        if (event.mlflow) this.linkRun(event.trialId, event.mlflow);
        break;
      case 'trial.patch':
      case 'comment.upsert':
      case 'comment.remove':
        this.applyTeamEdit(event);
        break;
      case 'error':
        this.pending.errors.push(event);
        break;
    }
    this.requestNotify();
  }

  /**
   * Appends points to one series directly, e.g. from an in-process producer holding typed arrays.
   * Same effect as a `metrics.append` event.
   */
  appendPoints(
    trialId: string,
    key: string,
    steps: ArrayLike<number>,
    values: ArrayLike<number>,
    timestamps: ArrayLike<number>,
  ): void {
    this.appendBatch({ trialId, key, steps, values, timestamps } as MetricBatch);
    this._loaded = true;
    this.requestNotify();
  }

  /** A team's edit streamed by a producer that does not restate the whole trial after it. */
  private applyTeamEdit(edit: TeamEvent): void {
    const trial = this._trials.get(edit.trialId);
    if (!trial) {
      this.reportError('malformed_event', `${edit.type} for unknown trial ${edit.trialId}`);
      return;
    }
    try {
      this.putTrial(applyTeamEdit(trial, edit));
    } catch (err) {
      if (!(err instanceof TeamEditError)) throw err;
      this.reportError('malformed_event', `${edit.type}: ${err.message}`, err.path);
    }
  }

  /** Records a problem (a source error, a lost connection) for subscribers to show. */
  reportError(code: ErrorEvent['code'], message: string, path?: string): void {
    this.pending.errors.push({ v: 1, seq: this._lastSeq, type: 'error', code, message, path });
    this.requestNotify();
  }

  /** Sources call this as they connect, lose and regain their producer. */
  setConnection(status: ConnectionStatus): void {
    this._connection = status;
    this.pending.connection = true;
    this.requestNotify();
  }

  /**
   * Calls `listener` with each coalesced change from now on. Returns the unsubscribe function.
   * The listener is not called for the current state: read it from the store first.
   */
  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Delivers pending changes now instead of at the next frame (tests, or before teardown). */
  flush(): void {
    this.scheduled = false;
    const change = this.pending;
    if (change.empty) return;
    this.pending = new PendingChange();
    for (const listener of this.listeners) listener(change, this);
  }

  get studies(): ReadonlyMap<string, Study> {
    return this._studies;
  }
  get trials(): ReadonlyMap<string, Trial> {
    return this._trials;
  }
  getStudy(id: string): Study | undefined {
    return this._studies.get(id);
  }
  getTrial(id: string): Trial | undefined {
    return this._trials.get(id);
  }
  /** The trials of a study, in no particular order. */
  trialsOf(studyId: string): Trial[] {
    const ids = this._trialsByStudy.get(studyId);
    return ids ? [...ids].map((id) => this._trials.get(id)!) : [];
  }
  getSeries(trialId: string, key: string): MetricSeries | undefined {
    return this._series.get(trialId, key);
  }
  /** Every series of a trial, by metric key. */
  seriesOf(trialId: string): ReadonlyMap<string, MetricSeries> {
    return this._series.of(trialId);
  }
  /** The metric keys any trial of the study has logged, sorted. */
  metricKeys(studyId: string): string[] {
    const keys = new Set<string>();
    for (const id of this._trialsByStudy.get(studyId) ?? [])
      for (const key of this._series.keysOf(id)) keys.add(key);
    return [...keys].sort();
  }

  /**
   * What the store knows of a series as a whole: the producer's summary merged with every batch
   * since, or (v1 producers) the summary of the raw points held. Undefined for an unknown series.
   */
  summaryOf(trialId: string, key: string): SeriesSummary | undefined {
    return this._series.summaryOf(trialId, key);
  }

  /** The value at the series' highest step, or undefined when it has none. O(1): tables sort by it. */
  lastValue(trialId: string, key: string): number | undefined {
    return this._series.lastValue(trialId, key);
  }

  /** The smallest (`minimize`) or largest value of the series, or undefined when it has none. O(1). */
  bestValue(trialId: string, key: string, direction: 'minimize' | 'maximize'): number | undefined {
    return this._series.bestValue(trialId, key, direction);
  }

  /** Whether windows can be fetched (the source serves them): charts then draw from windows. */
  get canFetchWindows(): boolean {
    return this.windows.canFetch;
  }

  /** Sources set how windows are fetched (undefined: the source sends every raw point). */
  setWindowFetcher(fetcher: SeriesWindowFetcher | undefined): void {
    this.windows.setFetcher(fetcher);
  }

  /**
   * The window `query` asks for, from the held windows or fetched; counted as shown until
   * {@link releaseWindow} with the same query, so it is not dropped while on screen. Rejects when
   * the store cannot fetch windows, the fetch fails, or `signal` aborts. When the server turns
   * out to have no windows at all, the store stops fetching them (`canFetchWindows` false).
   */
  fetchWindow(query: SeriesWindowQuery, signal?: AbortSignal): Promise<SeriesWindow> {
    return this.windows.fetch(query, signal);
  }

  /** A window fetched with {@link fetchWindow} is no longer shown: it may be dropped for room. */
  releaseWindow(query: SeriesWindowQuery): void {
    this.windows.release(query);
  }

  /** Bytes held by fetched windows (bounded by the `windowBudgetBytes` option, but shown ones stay). */
  get windowBytes(): number {
    return this.windows.bytes;
  }

  /**
   * A chart shows metric `key`: its raw points should arrive live (sources that can choose ask the
   * producer for them). Returns the function that undoes it.
   */
  showPoints(key: string): () => void {
    return this.windows.showPoints(key);
  }

  /** The metric keys charts show, sorted. */
  get shownPointKeys(): string[] {
    return this.windows.shownPointKeys;
  }

  /** Calls `listener` whenever {@link shownPointKeys} changes. Returns the unsubscribe function. */
  onPointKeysChange(listener: PointKeysListener): () => void {
    return this.windows.onPointKeysChange(listener);
  }

  /** Sources call this after a reconnection that may have skipped raw points: charts refetch windows. */
  invalidateWindows(): void {
    this.windows.invalidate();
  }

  /**
   * Sources call this when they are about to reconnect for other point keys: window fetches wait
   * (at most `maxMs`) for the {@link invalidateWindows} that follows, instead of reading windows the
   * reconnection would make stale.
   */
  holdWindowFetches(maxMs: number): void {
    this.windows.holdFetches(maxMs);
  }
  getSyncState(trialId: string): TrialSyncStatus | undefined {
    return this._sync.get(trialId);
  }

  private requestNotify(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => {
      if (this.scheduled) this.flush();
    });
  }

  private replaceAll(event: Extract<TrialEvent, { type: 'snapshot' }>): void {
    this._studies.clear();
    this._trials.clear();
    this._trialsByStudy.clear();
    this._series.clear();
    this._sync.clear();
    this.windows.clear();
    const { errors, connection, presence } = this.pending;
    this.pending = new PendingChange();
    this.pending.reset = true;
    this.pending.errors = errors;
    this.pending.connection = connection;
    this.pending.presence = presence;
    for (const study of event.studies) this._studies.set(study.id, study);
    for (const trial of event.trials) this.putTrial(trial);
    // Points first: a series that comes with both keeps the producer's summary as it is.
    for (const batch of event.metrics) this.appendBatch(batch);
    for (const summary of event.summaries ?? []) this.mergeSummary(summary);
    for (const s of event.sync) this._sync.set(s.trialId, { state: s.state, error: s.error });
  }

  private putTrial(trial: Trial): void {
    const previous = this._trials.get(trial.id);
    if (previous && previous.studyId !== trial.studyId)
      this._trialsByStudy.get(previous.studyId)?.delete(trial.id);
    this._trials.set(trial.id, trial);
    getOrCreate(this._trialsByStudy, trial.studyId, () => new Set()).add(trial.id);
    this.pending.trials.add(trial.id);
  }

  private removeTrial(trialId: string): void {
    const trial = this._trials.get(trialId);
    if (!trial) return;
    this._trials.delete(trialId);
    this._trialsByStudy.get(trial.studyId)?.delete(trialId);
    // Subscribers must not be told about points of series that no longer exist.
    for (const key of this._series.removeTrial(trialId)) this.pending.series.delete(seriesId(trialId, key));
    this._sync.delete(trialId);
    this.pending.trials.add(trialId);
  }

  private removeStudy(studyId: string): void {
    for (const trialId of [...(this._trialsByStudy.get(studyId) ?? [])]) this.removeTrial(trialId);
    this._trialsByStudy.delete(studyId);
    this._studies.delete(studyId);
    this.pending.studies.add(studyId);
  }

  private appendBatch(batch: MetricBatch): void {
    this.noteSeriesChange(batch.trialId, batch.key, this._series.append(batch));
  }

  /** Merges a producer's summary of a series (a snapshot's, or a batch's from `metrics.summary`). */
  private mergeSummary(summary: SeriesSummary): void {
    this.noteSeriesChange(summary.trialId, summary.key, this._series.mergeSummary(summary));
  }

  private noteSeriesChange(trialId: string, key: string, from: number): void {
    const id = seriesId(trialId, key);
    const earlier = this.pending.series.get(id);
    if (!earlier || from < earlier.from) this.pending.series.set(id, { trialId, key, from });
  }

  private setSync(trialId: string, status: TrialSyncStatus): void {
    this._sync.set(trialId, status);
    this.pending.sync.add(trialId);
  }

  /** A sync event may carry the run a trial was just linked to. */
  private linkRun(trialId: string, mlflow: NonNullable<Trial['mlflow']>): void {
    const trial = this._trials.get(trialId);
    if (
      !trial ||
      (trial.mlflow?.runId === mlflow.runId && trial.mlflow?.experimentId === mlflow.experimentId)
    )
      return;
    this.putTrial({ ...trial, mlflow });
  }
}
