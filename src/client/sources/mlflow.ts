/**
 * Feeds a store straight from an MLflow tracking server, with no backend of ours: it polls one
 * experiment and turns its runs and metric histories into protocol events, fetching only what is
 * new. MLflow keeps no "last updated" time on runs, so a poll asks for the runs that can change
 * (not yet finished), the runs started since the last poll, and the runs that just left the
 * first group; every few polls a full listing catches deletions and late edits. Metric points are
 * fetched only for series whose latest point (which every search returns) moved on: a new series
 * whole, in bulk for up to 100 runs per request; a known one from the last step held on.
 */
import { type Experiment, type MetricPoint, MlflowClient, type Run } from '../../mlflow/index.js';
import { BULK_INTERVAL_LIMITS } from '../../mlflow/limits.js';
import type { MetricBatch, Study, Trial, TrialEvent } from '../../protocol/index.js';
import type { TrialStore } from '../store.js';
import { Backoff } from './backoff.js';
import { EventFeed, errorMessage, type SourceHandle } from './feed.js';
import { fetchHistories, fetchNewPoints, hasNewPoints, markOf, type SeriesMark } from './mlflow-metrics.js';
import { ACTIVE_RUNS, isActive, runIdIn, startedSince, studyOf, trialOf } from './mlflow-runs.js';

export interface MlflowSourceOptions {
  /** Base URL of the MLflow server, e.g. `http://127.0.0.1:5000`. Ignored when `client` is given. */
  trackingUri?: string;
  /** The experiment to follow, by name... */
  experimentName?: string;
  /** ...or by id. */
  experimentId?: string;
  /** Pause between the end of one poll and the start of the next (ms, default 5,000). */
  intervalMs?: number;
  /** Every this many polls, list all runs to notice deleted runs and edits to finished ones (default 12). */
  fullSyncEvery?: number;
  /** Metric histories fetched at once (default 4). */
  concurrency?: number;
  /** A configured client (auth, retries); otherwise one is made from `trackingUri` and `fetch`. */
  client?: MlflowClient;
  /** The `fetch` a new client uses. */
  fetch?: typeof fetch;
}

/** The handle of {@link connectMlflow}. */
export interface MlflowSourceHandle extends SourceHandle {
  /** Polls now (or waits for the poll under way) and resolves when its events are applied. */
  poll(): Promise<void>;
}

/** New points of one series, and the last point held once they are applied. */
interface Fetched {
  batch: MetricBatch;
  mark: SeriesMark | undefined;
}

function fetched(
  runId: string,
  key: string,
  points: readonly MetricPoint[],
  held: SeriesMark | undefined,
): Fetched {
  const batch: MetricBatch = {
    trialId: runId,
    key,
    steps: points.map((p) => p.step),
    values: points.map((p) => p.value),
    timestamps: points.map((p) => p.timestamp),
  };
  return { batch, mark: markOf(points, held) };
}

/** What the source remembers of a run between polls. */
interface RunState {
  trial: Trial;
  /** The trial as JSON, to tell a changed run from an unchanged one. */
  json: string;
  active: boolean;
  /** The last point held of each metric. */
  marks: Map<string, SeriesMark>;
}

/**
 * Starts polling at once; the first poll applies a snapshot (the experiment as one study, each
 * run as a trial with its whole metric history), later polls apply upserts, removals and
 * appended points. Trials link to their runs (`trial.mlflow = { experimentId, runId }`); run
 * statuses map RUNNING/SCHEDULED/FINISHED/FAILED/KILLED to running/pending/succeeded/failed/cancelled.
 * A failed poll is reported (connection `reconnecting`) and retried with backoff; it never stops
 * the source.
 */
export function connectMlflow(store: TrialStore, options: MlflowSourceOptions): MlflowSourceHandle {
  if (!options.client && !options.trackingUri)
    throw new TypeError('connectMlflow needs a trackingUri or a client');
  if (!options.experimentName && !options.experimentId) {
    throw new TypeError('connectMlflow needs an experimentName or an experimentId');
  }
  const client =
    options.client ?? new MlflowClient({ trackingUri: options.trackingUri!, fetch: options.fetch });
  const poller = new MlflowPoller(store, client, options);
  return poller.start();
}

class MlflowPoller {
  private readonly feed: EventFeed;
  private readonly controller = new AbortController();
  private readonly backoff = new Backoff({ initialMs: 1000, maxMs: 60_000 });
  private readonly runs = new Map<string, RunState>();
  private experiment: Experiment | undefined;
  private study: Study | undefined;
  private seq = 0;
  private polls = 0;
  /** The latest run start time seen: runs started from then on are new. */
  private startMark = 0;
  private nextNumber = 0;
  private running: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(
    private readonly store: TrialStore,
    private readonly client: MlflowClient,
    private readonly options: MlflowSourceOptions,
  ) {
    this.feed = new EventFeed(store);
  }

  start(): MlflowSourceHandle {
    this.store.setConnection({ state: 'connecting' });
    void this.poll();
    return {
      poll: () => this.poll(),
      close: () => this.close(),
    };
  }

  private get signal(): AbortSignal {
    return this.controller.signal;
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.controller.abort(new Error('the MLflow source was closed'));
    this.store.setConnection({ state: 'closed' });
  }

  /** Runs one poll unless one is under way, then schedules the next. */
  poll(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.running ??= this.pollOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pollOnce(): Promise<void> {
    clearTimeout(this.timer);
    let delay = this.options.intervalMs ?? 5000;
    try {
      const events = await this.collect();
      if (this.closed) return;
      for (const event of events) this.feed.accept(event);
      this.backoff.reset();
      if (this.store.connection.state !== 'open') this.store.setConnection({ state: 'open' });
    } catch (err) {
      if (this.closed) return;
      this.store.reportError('source_error', `polling MLflow failed: ${errorMessage(err)}`);
      this.store.setConnection({ state: 'reconnecting', message: errorMessage(err) });
      delay = Math.max(delay, this.backoff.next());
    }
    if (!this.closed) this.timer = setTimeout(() => void this.poll(), delay);
  }

  /** One poll's events; nothing is remembered until every request of the poll succeeded. */
  private async collect(): Promise<TrialEvent[]> {
    const first = this.study === undefined;
    const full = first || this.polls % (this.options.fullSyncEvery ?? 12) === 0;
    const experiment = full ? await this.findExperiment() : this.experiment!;
    const { runs, gone } = full ? await this.listAll(experiment) : await this.listChanged(experiment);
    // New runs are numbered in the order they started.
    runs.sort((a, b) => (a.info.startTime ?? 0) - (b.info.startTime ?? 0));
    const metrics = await this.fetchMetrics(runs);
    this.polls++;
    this.experiment = experiment;
    return first ? this.snapshot(experiment, runs, metrics) : this.changes(experiment, runs, gone, metrics);
  }

  private async findExperiment(): Promise<Experiment> {
    const { experimentId, experimentName } = this.options;
    const experiment = experimentId
      ? await this.client.getExperiment(experimentId, { signal: this.signal })
      : await this.client.getExperimentByName(experimentName!, { signal: this.signal });
    if (!experiment) throw new Error(`MLflow has no experiment named ${JSON.stringify(experimentName)}`);
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
  private async listAll(experiment: Experiment): Promise<{ runs: Run[]; gone: string[] }> {
    const runs = await this.search(experiment);
    const seen = new Set(runs.map((r) => r.info.runId));
    return { runs, gone: [...this.runs.keys()].filter((id) => !seen.has(id)) };
  }

  /** The runs that can have changed since the last poll. */
  private async listChanged(experiment: Experiment): Promise<{ runs: Run[]; gone: string[] }> {
    const byId = new Map<string, Run>();
    for (const run of await this.search(experiment, ACTIVE_RUNS)) byId.set(run.info.runId, run);
    for (const run of await this.search(experiment, startedSince(this.startMark)))
      byId.set(run.info.runId, run);
    // Runs that were active and are no more: they finished (fetch their last state) or were deleted.
    const left = [...this.runs.values()]
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
   * New points of every series whose latest point moved on, as batches, with the marks they reach.
   * Series seen for the first time come in bulk (one request per key and 100 runs); the others
   * one request each, for the steps after the last one held.
   */
  private async fetchMetrics(runs: Run[]): Promise<Fetched[]> {
    const jobs: (() => Promise<Fetched[]>)[] = [];
    const unseen = new Map<string, string[]>();
    for (const run of runs) {
      const runId = run.info.runId;
      for (const latest of run.data.latestMetrics) {
        const held = this.runs.get(runId)?.marks.get(latest.key);
        if (!hasNewPoints(latest, held)) continue;
        if (!held) {
          const waiting = unseen.get(latest.key);
          if (waiting) waiting.push(runId);
          else unseen.set(latest.key, [runId]);
          continue;
        }
        jobs.push(async () => {
          const points = await fetchNewPoints(this.client, runId, latest.key, held, latest.step, this.signal);
          return [fetched(runId, latest.key, points, held)];
        });
      }
    }
    for (const [key, runIds] of unseen) {
      for (let i = 0; i < runIds.length; i += BULK_INTERVAL_LIMITS.runs) {
        const chunk = runIds.slice(i, i + BULK_INTERVAL_LIMITS.runs);
        jobs.push(async () => {
          const histories = await fetchHistories(this.client, chunk, key, this.signal);
          return [...histories].map(([runId, points]) => fetched(runId, key, points, undefined));
        });
      }
    }
    return (await runLimited(jobs, this.options.concurrency ?? 4)).flat();
  }

  private snapshot(experiment: Experiment, runs: Run[], metrics: Fetched[]): TrialEvent[] {
    this.study = studyOf(experiment);
    const trials = runs.map((run) => this.remember(run));
    this.rememberMarks(metrics);
    const batches = metrics.map((m) => m.batch).filter((b) => b.steps.length > 0);
    return [
      { v: 1, seq: ++this.seq, type: 'snapshot', studies: [this.study], trials, metrics: batches, sync: [] },
    ];
  }

  private changes(experiment: Experiment, runs: Run[], gone: string[], metrics: Fetched[]): TrialEvent[] {
    const events: TrialEvent[] = [];
    const study = studyOf(experiment);
    if (JSON.stringify(study) !== JSON.stringify(this.study)) {
      this.study = study;
      events.push({ v: 1, seq: ++this.seq, type: 'study.upsert', study });
    }
    for (const run of runs) {
      const before = this.runs.get(run.info.runId)?.json;
      const trial = this.remember(run);
      if (this.runs.get(run.info.runId)!.json !== before) {
        events.push({ v: 1, seq: ++this.seq, type: 'trial.upsert', trial });
      }
    }
    this.rememberMarks(metrics);
    const batches = metrics.map((m) => m.batch).filter((b) => b.steps.length > 0);
    if (batches.length) events.push({ v: 1, seq: ++this.seq, type: 'metrics.append', batches });
    for (const runId of gone) {
      this.runs.delete(runId);
      events.push({ v: 1, seq: ++this.seq, type: 'trial.remove', trialId: runId });
    }
    return events;
  }

  /** Records a run's trial (numbered in order of discovery) and returns it. */
  private remember(run: Run): Trial {
    const known = this.runs.get(run.info.runId);
    const trial = trialOf(run, known?.trial.number ?? this.nextNumber++);
    this.startMark = Math.max(this.startMark, run.info.startTime ?? 0);
    this.runs.set(run.info.runId, {
      trial,
      json: JSON.stringify(trial),
      active: isActive(run),
      marks: known?.marks ?? new Map(),
    });
    return trial;
  }

  private rememberMarks(metrics: Fetched[]): void {
    for (const { batch, mark } of metrics) {
      if (mark) this.runs.get(batch.trialId)?.marks.set(batch.key, mark);
    }
  }
}

/** Runs `jobs` with at most `limit` in flight; results in job order. Rejects on the first failure. */
async function runLimited<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}
