/**
 * Follows MLflow experiments and emits what changes in them as protocol events: an
 * {@link EventProducer} that `connectEngine` feeds a store from in the browser and that
 * `createEventStream` streams to every page in `trialkit serve`, with no store in between.
 *
 * MLflow keeps no "last updated" time on runs, so a poll asks for the runs that can change (not
 * yet finished), the runs started since the last poll, and the runs that just left the first
 * group; every few polls a full listing catches deletions and late edits. Metric points are
 * fetched only for series whose latest point (which every search returns) moved on: a new series
 * whole, in bulk for up to 100 runs per request; a known one from the last step held on. The
 * registry's model versions of the runs are read on full listings and for runs that are new or
 * just finished, one version search per 100 runs.
 */
import {
  BULK_INTERVAL_LIMITS,
  type Experiment,
  type MetricPoint,
  MlflowApiError,
  type MlflowClient,
  mapConcurrently,
  modelVersionsOfRuns,
  type Run,
  type RunModelVersion,
} from '../../../mlflow/index.js';
import {
  type EventProducer,
  type MetricBatch,
  PROTOCOL_VERSION,
  type SnapshotEvent,
  type Study,
  type Trial,
  type TrialEvent,
} from '../../../protocol/index.js';
import { Backoff } from '../backoff.js';
import { errorMessage } from '../feed.js';
import {
  columnsOf,
  fetchHistories,
  fetchNewPoints,
  type HeldSeries,
  hasNewPoints,
  markOf,
} from './metrics.js';
import { ACTIVE_RUNS, isActive, runIdIn, startedSince, trialOf } from './runs.js';
import { parentRunIds, type StudyGrouping, studiesOf, studyIdOf } from './studies.js';

/** An experiment to follow, by name or by id. */
export type ExperimentRef = { name: string } | { id: string };

export interface MlflowPollerOptions {
  /** A configured client (auth, retries). */
  client: MlflowClient;
  /** The experiments to follow from the start; {@link MlflowPoller.follow} adds more. */
  experiments?: readonly ExperimentRef[];
  /**
   * The longest pause between the end of one poll and the start of the next (ms, default 5,000):
   * the pause of a poller whose experiments are idle.
   */
  intervalMs?: number;
  /**
   * The pause while some run is active or the last poll saw changes (ms, default 400, at most
   * `intervalMs`); once idle, the pause doubles each poll up to `intervalMs`.
   */
  activeIntervalMs?: number;
  /** What a study is: the experiment, or (default) also each parent run of nested runs. */
  studies?: StudyGrouping;
  /** Every this many polls, list all runs to notice deleted runs and edits to finished ones (default 12). */
  fullSyncEvery?: number;
  /** Metric histories fetched at once (default 4). */
  concurrency?: number;
}

/** An experiment a poll could not read, and why. */
export interface PollFailure {
  /** The experiment's name or id, as it was given. */
  experiment: string;
  error: unknown;
}

/** What the poller remembers of a run between polls. */
interface RunState {
  run: Run;
  trial: Trial;
  /** Whether the run was emitted as a trial (a parent run is a study instead). */
  shown: boolean;
  /** The trial as JSON, to tell a changed run from an unchanged one. */
  json: string;
  active: boolean;
  series: Map<string, HeldSeries>;
}

/** What the poller remembers of one followed experiment. */
interface Followed {
  ref: ExperimentRef;
  /** Undefined until the experiment's first poll succeeded. */
  experiment?: Experiment;
  /** The studies emitted, by id. */
  studies: Map<string, Study>;
  runs: Map<string, RunState>;
  polls: number;
  /** The latest run start time seen: runs started from then on are new. */
  startMark: number;
  /** The number the next new run of each study gets. */
  nextNumber: Map<string, number>;
}

/** New points of one series, fetched for a run of a followed experiment. */
interface Fetched {
  runId: string;
  key: string;
  points: readonly MetricPoint[];
}

const labelOf = (ref: ExperimentRef) => ('name' in ref ? ref.name : ref.id);

/**
 * Polls the followed experiments, one round after another, and emits each round's changes: an
 * experiment's first poll as a `study.upsert`, its runs' `trial.upsert`s and one `metrics.append`
 * with their whole histories; later polls as upserts, removals and appended points. Each point is
 * emitted once. A failed poll of an experiment is emitted as an `error` event and retried next
 * round, with backoff while polls fail; it never stops the poller.
 */
export class MlflowPoller implements EventProducer {
  private readonly listeners = new Set<(event: TrialEvent) => void>();
  private readonly pollListeners = new Set<(failures: readonly PollFailure[]) => void>();
  private readonly followed = new Map<string, Followed>();
  private readonly controller = new AbortController();
  private readonly backoff = new Backoff({ initialMs: 1000, maxMs: 60_000 });
  private readonly client: MlflowClient;
  private seq = 0;
  private running: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The pause after the last poll; doubles while the experiments are idle. */
  private pause = 0;
  /** Events emitted by the poll under way, to tell an idle poll from a busy one. */
  private emitted = 0;
  private closed = false;
  /** False once the server refused a registry request: it has no registry, so it is not asked again. */
  private registry = true;
  /** Resolves once the poller has state to give (see {@link snapshot}). */
  private readonly ready: Promise<void>;
  private markReady!: () => void;

  /** Starts polling at once. */
  constructor(private readonly options: MlflowPollerOptions) {
    this.client = options.client;
    this.ready = new Promise((resolve) => {
      this.markReady = resolve;
    });
    for (const ref of options.experiments ?? []) this.follow(ref);
    if (this.followed.size === 0) this.markReady();
    void this.poll();
  }

  /**
   * Follows one more experiment from the next poll on. Returns false, changing nothing, for an
   * experiment already followed.
   */
  follow(ref: ExperimentRef): boolean {
    const label = `${'name' in ref ? 'name' : 'id'}:${labelOf(ref)}`;
    if (this.followed.has(label)) return false;
    this.followed.set(label, {
      ref,
      studies: new Map(),
      runs: new Map(),
      polls: 0,
      startMark: 0,
      nextNumber: new Map(),
    });
    return true;
  }

  /** The experiments followed, by the name or id they were given. */
  get experiments(): string[] {
    return [...this.followed.values()].map((f) => labelOf(f.ref));
  }

  subscribe(listener: (event: TrialEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Calls `listener` at the end of every poll, before {@link poll}'s promise resolves, with the
   * experiments that poll could not read (none when it succeeded).
   */
  onPoll(listener: (failures: readonly PollFailure[]) => void): () => void {
    this.pollListeners.add(listener);
    return () => this.pollListeners.delete(listener);
  }

  /**
   * Every experiment read so far, each run with its whole metric history. Waits until a poll has
   * read at least one experiment (at once when none is followed), so a page never gets the empty
   * state of a poller that has not asked MLflow yet.
   */
  async snapshot(): Promise<SnapshotEvent> {
    await this.ready;
    const snapshot: SnapshotEvent = {
      v: PROTOCOL_VERSION,
      seq: this.seq,
      type: 'snapshot',
      studies: [],
      trials: [],
      metrics: [],
      sync: [],
    };
    for (const { studies, runs } of this.followed.values()) {
      snapshot.studies.push(...studies.values());
      for (const [runId, run] of runs) {
        if (!run.shown) continue;
        snapshot.trials.push(run.trial);
        for (const [key, held] of run.series) snapshot.metrics.push({ trialId: runId, key, ...held });
      }
    }
    return snapshot;
  }

  /** Polls now (or waits for the poll under way) and resolves once its events are emitted. */
  poll(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.running ??= this.pollOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Stops polling and aborts the requests under way; a snapshot still waiting gets what is held. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.markReady();
    clearTimeout(this.timer);
    this.controller.abort(new Error('the MLflow poller was closed'));
    this.listeners.clear();
    this.pollListeners.clear();
  }

  private get signal(): AbortSignal {
    return this.controller.signal;
  }

  private emit(event: TrialEvent): void {
    this.emitted++;
    for (const listener of this.listeners) listener(event);
  }

  private envelope() {
    return { v: PROTOCOL_VERSION as typeof PROTOCOL_VERSION, seq: ++this.seq };
  }

  private async pollOnce(): Promise<void> {
    clearTimeout(this.timer);
    this.emitted = 0;
    const failures: PollFailure[] = [];
    for (const followed of this.followed.values()) {
      try {
        const events = await this.collect(followed);
        if (this.closed) return;
        for (const event of events) this.emit(event);
      } catch (error) {
        if (this.closed) return;
        failures.push({ experiment: labelOf(followed.ref), error });
        const message = `polling MLflow failed: ${errorMessage(error)}`;
        this.emit({ ...this.envelope(), type: 'error', code: 'source_error', message });
      }
    }
    if (failures.length < this.followed.size) this.markReady();
    let delay = this.nextPause();
    if (failures.length === 0) this.backoff.reset();
    else delay = Math.max(delay, this.backoff.next());
    for (const listener of this.pollListeners) listener(failures);
    if (!this.closed) this.timer = setTimeout(() => void this.poll(), delay);
  }

  /**
   * Quick while runs are active or the poll saw changes, so a point is on screen within a second;
   * doubling while idle, so an idle MLflow is asked a few times a minute.
   */
  private nextPause(): number {
    const longest = this.options.intervalMs ?? 5000;
    const quick = Math.min(this.options.activeIntervalMs ?? 400, longest);
    const busy =
      this.emitted > 0 || [...this.followed.values()].some((f) => [...f.runs.values()].some((r) => r.active));
    this.pause = busy || this.pause === 0 ? quick : Math.min(longest, this.pause * 2);
    return this.pause;
  }

  /** One experiment's events; nothing is remembered until every request of the poll succeeded. */
  private async collect(followed: Followed): Promise<TrialEvent[]> {
    const first = followed.experiment === undefined;
    const full = first || followed.polls % (this.options.fullSyncEvery ?? 12) === 0;
    const experiment = full ? await this.findExperiment(followed.ref) : followed.experiment!;
    const { runs, gone } = full
      ? await this.listAll(followed, experiment)
      : await this.listChanged(followed, experiment);
    // New runs are numbered in the order they started.
    runs.sort((a, b) => (a.info.startTime ?? 0) - (b.info.startTime ?? 0));
    const metrics = await this.fetchMetrics(followed, runs);
    const models = await this.fetchModels(followed, runs, full);
    followed.polls++;
    followed.experiment = experiment;
    return this.changes(followed, experiment, runs, gone, metrics, models);
  }

  private async findExperiment(ref: ExperimentRef): Promise<Experiment> {
    if ('id' in ref) return this.client.getExperiment(ref.id, { signal: this.signal });
    const experiment = await this.client.getExperimentByName(ref.name, { signal: this.signal });
    if (!experiment) throw new Error(`MLflow has no experiment named ${JSON.stringify(ref.name)}`);
    return experiment;
  }

  private async search(experiment: Experiment, filter?: string): Promise<Run[]> {
    const runs: Run[] = [];
    const params = {
      experimentIds: [experiment.experimentId],
      filter,
      orderBy: ['attributes.start_time ASC'],
    };
    for await (const run of this.client.iterateRuns(params, { signal: this.signal })) runs.push(run);
    return runs;
  }

  /** Every run; the known runs missing from it are gone (deleted). */
  private async listAll(
    followed: Followed,
    experiment: Experiment,
  ): Promise<{ runs: Run[]; gone: string[] }> {
    const runs = await this.search(experiment);
    const seen = new Set(runs.map((r) => r.info.runId));
    return { runs, gone: [...followed.runs.keys()].filter((id) => !seen.has(id)) };
  }

  /** The runs that can have changed since the last poll. */
  private async listChanged(
    followed: Followed,
    experiment: Experiment,
  ): Promise<{ runs: Run[]; gone: string[] }> {
    const byId = new Map<string, Run>();
    for (const run of await this.search(experiment, ACTIVE_RUNS)) byId.set(run.info.runId, run);
    for (const run of await this.search(experiment, startedSince(followed.startMark)))
      byId.set(run.info.runId, run);
    // Runs that were active and are no more: they finished (fetch their last state) or were deleted.
    const left = [...followed.runs.values()]
      .filter((s) => s.active && !byId.has(s.trial.id))
      .map((s) => s.trial.id);
    const gone = new Set(left);
    for (let i = 0; i < left.length; i += 100) {
      for (const run of await this.search(experiment, runIdIn(left.slice(i, i + 100)))) {
        byId.set(run.info.runId, run);
        gone.delete(run.info.runId);
      }
    }
    return { runs: [...byId.values()], gone: [...gone] };
  }

  /**
   * New points of every series whose latest point moved on. Series seen for the first time come
   * in bulk (one request per key and 100 runs); the others one request each, for the steps after
   * the last one held.
   */
  private async fetchMetrics(followed: Followed, runs: Run[]): Promise<Fetched[]> {
    const jobs: (() => Promise<Fetched[]>)[] = [];
    const unseen = new Map<string, string[]>();
    for (const run of runs) {
      const runId = run.info.runId;
      for (const latest of run.data.latestMetrics) {
        const held = markOf(followed.runs.get(runId)?.series.get(latest.key));
        if (!hasNewPoints(latest, held)) continue;
        if (!held) {
          const waiting = unseen.get(latest.key);
          if (waiting) waiting.push(runId);
          else unseen.set(latest.key, [runId]);
          continue;
        }
        jobs.push(async () => {
          const points = await fetchNewPoints(this.client, runId, latest.key, held, latest.step, this.signal);
          return [{ runId, key: latest.key, points }];
        });
      }
    }
    for (const [key, runIds] of unseen) {
      for (let i = 0; i < runIds.length; i += BULK_INTERVAL_LIMITS.runs) {
        const chunk = runIds.slice(i, i + BULK_INTERVAL_LIMITS.runs);
        jobs.push(async () => {
          const histories = await fetchHistories(this.client, chunk, key, this.signal);
          return [...histories].map(([runId, points]) => ({ runId, key, points }));
        });
      }
    }
    return (await mapConcurrently(jobs, this.options.concurrency ?? 4, (job) => job())).flat();
  }

  /**
   * The model versions of the runs worth asking about: every run on a full listing (so a version
   * registered from a finished run shows within `fullSyncEvery` polls), else the runs new to the
   * poller or just finished. A server that refuses the registry (no retry would help) is skipped
   * quietly from then on; a failure worth retrying fails the poll, as any other request's does.
   */
  private async fetchModels(
    followed: Followed,
    runs: Run[],
    full: boolean,
  ): Promise<Map<string, RunModelVersion[]>> {
    if (!this.registry) return new Map();
    const ids = runs
      .filter((run) => {
        const known = followed.runs.get(run.info.runId);
        return full || !known || (known.active && !isActive(run));
      })
      .map((run) => run.info.runId);
    if (ids.length === 0) return new Map();
    try {
      return await modelVersionsOfRuns(this.client, ids, { signal: this.signal });
    } catch (error) {
      if (!(error instanceof MlflowApiError) || error.retryable) throw error;
      this.registry = false;
      return new Map();
    }
  }

  /**
   * Records what one poll of `followed` read, and returns the events that say what changed:
   * studies first, then trials (a run that became a parent leaves the trials), points, removals.
   */
  private changes(
    followed: Followed,
    experiment: Experiment,
    runs: Run[],
    gone: string[],
    metrics: Fetched[],
    models: ReadonlyMap<string, RunModelVersion[]>,
  ): TrialEvent[] {
    const grouping = this.options.studies ?? 'parent';
    const changed = new Set<RunState>();
    for (const run of runs) {
      const before = followed.runs.get(run.info.runId)?.json;
      const state = this.remember(followed, run, grouping, models.get(run.info.runId));
      if (state.json !== before) changed.add(state);
    }
    const removed: TrialEvent[] = [];
    for (const runId of gone) {
      if (followed.runs.get(runId)?.shown)
        removed.push({ ...this.envelope(), type: 'trial.remove', trialId: runId });
      followed.runs.delete(runId);
    }
    const all = new Map([...followed.runs].map(([id, state]) => [id, state.run]));
    const events: TrialEvent[] = [];
    const studies = new Map(studiesOf(experiment, all, grouping).map((study) => [study.id, study]));
    for (const study of studies.values()) {
      if (JSON.stringify(study) !== JSON.stringify(followed.studies.get(study.id)))
        events.push({ ...this.envelope(), type: 'study.upsert', study });
    }
    const parents = parentRunIds(all.values(), grouping);
    for (const [runId, state] of followed.runs) {
      const trial = !parents.has(runId);
      if (trial && (changed.has(state) || !state.shown))
        events.push({ ...this.envelope(), type: 'trial.upsert', trial: state.trial });
      else if (!trial && state.shown)
        removed.push({ ...this.envelope(), type: 'trial.remove', trialId: runId });
      state.shown = trial;
    }
    const batches: MetricBatch[] = [];
    for (const { runId, key, points } of metrics) {
      const run = followed.runs.get(runId);
      if (!run || points.length === 0) continue;
      const held = run.series.get(key) ?? { steps: [], values: [], timestamps: [] };
      run.series.set(key, held);
      for (const p of points) {
        held.steps.push(p.step);
        held.values.push(p.value);
        held.timestamps.push(p.timestamp);
      }
      if (run.shown) batches.push({ trialId: runId, key, ...columnsOf(points) });
    }
    if (batches.length) events.push({ ...this.envelope(), type: 'metrics.append', batches });
    events.push(...removed);
    for (const studyId of followed.studies.keys()) {
      if (!studies.has(studyId)) events.push({ ...this.envelope(), type: 'study.remove', studyId });
    }
    followed.studies = studies;
    return events;
  }

  /**
   * Records a run's trial (numbered in order of discovery within its study), with `models` when
   * they were read this poll, else with the ones held.
   */
  private remember(
    followed: Followed,
    run: Run,
    grouping: StudyGrouping,
    models: readonly RunModelVersion[] | undefined,
  ): RunState {
    const known = followed.runs.get(run.info.runId);
    const studyId = studyIdOf(run, grouping);
    const number = known?.trial.number ?? followed.nextNumber.get(studyId) ?? 0;
    if (!known) followed.nextNumber.set(studyId, number + 1);
    const trial = trialOf(run, number, studyId, models ?? known?.trial.models);
    followed.startMark = Math.max(followed.startMark, run.info.startTime ?? 0);
    const state: RunState = {
      run,
      shown: known?.shown ?? false,
      trial,
      json: JSON.stringify(trial),
      active: isActive(run),
      series: known?.series ?? new Map(),
    };
    followed.runs.set(run.info.runId, state);
    return state;
  }
}
