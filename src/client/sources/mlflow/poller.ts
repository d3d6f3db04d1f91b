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
  type Experiment,
  type MlflowClient,
  MlflowNotFoundError,
  mapConcurrently,
  type Run,
} from '../../../mlflow/index.js';
import {
  type EventProducer,
  firstSeq,
  PROTOCOL_VERSION,
  type SnapshotEvent,
  type TrialEvent,
} from '../../../protocol/index.js';
import { Backoff } from '../backoff.js';
import { errorMessage } from '../feed.js';
import { fetchChangedPoints } from './changed-points.js';
import { type Envelope, recordPoll } from './changes.js';
import type { ExperimentRef, Followed } from './followed.js';
import { ModelVersionReader } from './model-versions.js';
import { ACTIVE_RUNS, isActive, runIdIn, startedSince } from './runs.js';
import { parentRunIds, type StudyGrouping } from './studies.js';

export type { ExperimentRef } from './followed.js';

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

const labelOf = (ref: ExperimentRef) => ('name' in ref ? ref.name : ref.id);
/** The key an experiment is followed under: by name and by id are different ways in. */
const keyOf = (ref: ExperimentRef) => `${'name' in ref ? 'name' : 'id'}:${labelOf(ref)}`;

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
  private readonly models: ModelVersionReader;
  /** Numbered from the clock (see `firstSeq`): a restarted server never reuses its earlier numbers. */
  private seq = firstSeq();
  private running: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The pause after the last poll; doubles while the experiments are idle. */
  private pause = 0;
  /** Events emitted by the poll under way, to tell an idle poll from a busy one. */
  private emitted = 0;
  private closed = false;
  /** Resolves once the poller has state to give (see {@link snapshot}). */
  private readonly ready: Promise<void>;
  private markReady!: () => void;

  /** Starts polling at once. */
  constructor(private readonly options: MlflowPollerOptions) {
    this.client = options.client;
    this.models = new ModelVersionReader(options.client);
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
    const key = keyOf(ref);
    if (this.followed.has(key)) return false;
    this.followed.set(key, {
      ref,
      studies: new Map(),
      runs: new Map(),
      polls: 0,
      startMark: 0,
      nextNumber: new Map(),
      outsideParents: new Map(),
    });
    return true;
  }

  /**
   * Stops following an experiment (deleted in MLflow, say): its trials and studies are removed from
   * readers. Returns false when it was not followed.
   */
  unfollow(ref: ExperimentRef): boolean {
    const key = keyOf(ref);
    const followed = this.followed.get(key);
    if (!followed) return false;
    this.followed.delete(key);
    for (const [trialId, run] of followed.runs)
      if (run.shown) this.emit({ ...this.envelope(), type: 'trial.remove', trialId });
    for (const studyId of followed.studies.keys())
      this.emit({ ...this.envelope(), type: 'study.remove', studyId });
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

  private envelope(): Envelope {
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
        // Unfollowed while its poll was under way: its trials are gone from readers already.
        if (this.followed.get(keyOf(followed.ref)) !== followed) continue;
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
    const { client, signal } = this;
    const concurrency = this.options.concurrency ?? 4;
    const metrics = await fetchChangedPoints(client, followed.runs, runs, concurrency, signal);
    const models = await this.models.read(followed.runs, runs, full, signal);
    const grouping = this.options.studies ?? 'parent';
    const outside = await this.outsideParents(followed, runs, grouping, full);
    followed.polls++;
    followed.experiment = experiment;
    followed.outsideParents = outside;
    return recordPoll(followed, experiment, runs, gone, metrics, models, grouping, () => this.envelope());
  }

  /**
   * The parent runs of the experiment's runs that are not among them (Optuna's callback with
   * `nested` logs trials to an experiment of their own, under a parent run elsewhere): read when
   * first seen, on full listings, and while they run, so their studies have their names and ends.
   */
  private async outsideParents(
    followed: Followed,
    runs: readonly Run[],
    grouping: StudyGrouping,
    full: boolean,
  ): Promise<Map<string, Run>> {
    const here = new Set([...followed.runs.keys(), ...runs.map((r) => r.info.runId)]);
    const all = [...followed.runs.values()].map((s) => s.run).concat(runs);
    const wanted = [...parentRunIds(all, grouping)].filter((id) => !here.has(id));
    const known = followed.outsideParents;
    const read = async (runId: string): Promise<[string, Run | undefined]> => {
      const held = known.get(runId);
      if (held && !full && !isActive(held)) return [runId, held];
      try {
        return [runId, await this.client.getRun(runId, { signal: this.signal })];
      } catch (err) {
        // Deleted for good: its study keeps the run id as its name.
        if (err instanceof MlflowNotFoundError) return [runId, undefined];
        throw err;
      }
    };
    const concurrency = this.options.concurrency ?? 4;
    const pairs = await mapConcurrently(wanted, concurrency, read);
    return new Map(pairs.filter((pair): pair is [string, Run] => pair[1] !== undefined));
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
}
