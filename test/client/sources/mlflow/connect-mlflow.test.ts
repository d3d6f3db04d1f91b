// connectMlflow against the real MLflow server of the test setup.
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import {
  connectMlflow,
  type MlflowSourceHandle,
  type MlflowSourceOptions,
  TrialStore,
} from '../../../../src/client/index.js';
import { MlflowClient } from '../../../../src/mlflow/index.js';
import { createMemoryStorage, createSyncEngine } from '../../../../src/sync/index.js';

const trackingUri = inject('mlflowUri');
const mlflow = new MlflowClient({ trackingUri });

/** A fetch that counts the requests it sends, by MLflow endpoint. */
function countingFetch() {
  const counts = new Map<string, number>();
  const fetchImpl: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const endpoint = url.pathname.replace('/api/2.0/mlflow/', '');
    counts.set(endpoint, (counts.get(endpoint) ?? 0) + 1);
    return fetch(input, init);
  };
  return {
    fetch: fetchImpl,
    count: (endpoint: string) => counts.get(endpoint) ?? 0,
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
    reset: () => counts.clear(),
  };
}

function points(key: string, steps: number[], value = (s: number) => s / 100) {
  return steps.map((step) => ({ key, value: value(step), step, timestamp: 1_700_000_000_000 + step }));
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

let experimentId: string;
let experimentName: string;
let sources: MlflowSourceHandle[] = [];

beforeEach(async () => {
  experimentName = `mlflow-source-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  experimentId = await mlflow.createExperiment(experimentName, { tags: { team: 'vision' } });
});

afterEach(() => {
  for (const source of sources) source.close();
  sources = [];
});

async function createRun(
  name: string,
  startTime: number,
  extra: { params?: Record<string, string>; tags?: Record<string, string> } = {},
) {
  const run = await mlflow.createRun({ experimentId, runName: name, startTime, tags: extra.tags });
  if (extra.params) await mlflow.logBatch(run.info.runId, { params: extra.params });
  return run.info.runId;
}

function connect(
  store: TrialStore,
  counter: ReturnType<typeof countingFetch>,
  extra: Partial<MlflowSourceOptions> = {},
) {
  const source = connectMlflow(store, {
    trackingUri,
    experimentName,
    intervalMs: 3_600_000,
    activeIntervalMs: 3_600_000, // polls only when the test asks
    fetch: counter.fetch,
    ...extra,
  });
  sources.push(source);
  return source;
}

const steps = (store: TrialStore, runId: string, key = 'loss') =>
  Array.from(store.getSeries(runId, key)?.steps ?? []);

describe('connectMlflow', () => {
  it('loads the experiment as a study and its runs as trials with their whole metric history', async () => {
    const a = await createRun('a', 1000, {
      params: { lr: '0.01', depth: '4' },
      tags: { 'trialkit.flags': 'spectral_norm' },
    });
    const b = await createRun('b', 2000);
    await mlflow.logBatch(a, { metrics: [...points('loss', range(0, 50)), ...points('acc', range(0, 10))] });
    await mlflow.logBatch(b, { metrics: points('loss', range(0, 5), () => Number.NaN) });
    await mlflow.updateRun({ runId: b, status: 'FAILED', endTime: 3000 });

    const store = new TrialStore();
    const counter = countingFetch();
    const source = connect(store, counter);
    await source.poll();
    expect(store.connection.state).toBe('open');
    expect(store.getStudy(experimentId)).toMatchObject({
      name: experimentName,
      tags: { team: 'vision' },
      mlflow: { experimentId },
    });
    const trialA = store.getTrial(a)!;
    expect(trialA).toMatchObject({
      studyId: experimentId,
      number: 0,
      status: 'running',
      params: { lr: '0.01', depth: '4' },
      flags: ['spectral_norm'],
      startedAt: 1000,
      mlflow: { experimentId, runId: a },
    });
    expect(trialA.name).toBe('a');
    expect(trialA.tags['mlflow.runName']).toBeUndefined();
    expect(store.getTrial(b)).toMatchObject({ number: 1, status: 'failed', endedAt: 3000 });
    expect(steps(store, a)).toEqual(range(0, 50));
    expect(Array.from(store.getSeries(a, 'loss')!.values)).toEqual(range(0, 50).map((s) => s / 100));
    expect(store.getSeries(a, 'acc')!.length).toBe(10);
    expect(store.getSeries(b, 'loss')!.values[0]).toBeNaN();
    expect(store.metricKeys(experimentId)).toEqual(['acc', 'loss']);
    // Whole histories in bulk: one request per metric key for both runs; no per-run calls.
    expect(counter.count('metrics/get-history-bulk-interval')).toBe(2);
    expect(counter.count('metrics/get-history')).toBe(0);
    expect(counter.count('runs/get')).toBe(0);
  });

  it('fetches only the points after the last step it holds, and only for series that moved', async () => {
    const a = await createRun('a', 1000);
    const b = await createRun('b', 2000);
    await mlflow.logBatch(a, {
      metrics: [...points('loss', range(0, 100)), ...points('acc', range(0, 100))],
    });
    await mlflow.logBatch(b, { metrics: points('loss', range(0, 100)) });
    const store = new TrialStore();
    const counter = countingFetch();
    const source = connect(store, counter);
    await source.poll();
    store.flush();
    const changes: { trials: number; series: string[] }[] = [];
    store.subscribe((change) =>
      changes.push({ trials: change.trials.size, series: [...change.series.keys()] }),
    );

    await mlflow.logBatch(a, { metrics: points('loss', range(100, 110)) });
    counter.reset();
    await source.poll();
    store.flush();
    expect(steps(store, a)).toEqual(range(0, 110));
    expect(steps(store, a, 'acc')).toEqual(range(0, 100));
    expect(steps(store, b)).toEqual(range(0, 100));
    // One ranged request for the one series that moved; searches for the runs; nothing else.
    expect(counter.count('metrics/get-history-bulk-interval')).toBe(1);
    expect(counter.count('metrics/get-history')).toBe(0);
    expect(counter.count('runs/search')).toBe(2);
    expect(counter.total()).toBe(3);
    expect(changes).toHaveLength(1);
    expect(changes[0].trials).toBe(0);
    expect(changes[0].series).toHaveLength(1);
    expect(store.getSeries(a, 'loss')!.length).toBe(110);

    counter.reset();
    await source.poll();
    store.flush();
    expect(counter.count('metrics/get-history-bulk-interval')).toBe(0);
    expect(changes).toHaveLength(1);
  });

  it('picks up new points logged at the step it already holds', async () => {
    const a = await createRun('a', 1000);
    // A loop that logs without a step: every point at step 0, told apart by timestamp.
    await mlflow.logBatch(a, {
      metrics: [0, 1, 2].map((i) => ({ key: 'loss', value: i, step: 0, timestamp: 5000 + i })),
    });
    const store = new TrialStore();
    const source = connect(store, countingFetch());
    await source.poll();
    expect(Array.from(store.getSeries(a, 'loss')!.values)).toEqual([0, 1, 2]);
    await mlflow.logBatch(a, { metrics: [{ key: 'loss', value: 3, step: 0, timestamp: 5003 }] });
    await source.poll();
    expect(Array.from(store.getSeries(a, 'loss')!.values)).toEqual([0, 1, 2, 3]);
  });

  it('gets every point of a burst larger than what MLflow returns at once', async () => {
    const a = await createRun('a', 1000);
    await mlflow.logBatch(a, { metrics: points('loss', range(0, 10)) });
    const store = new TrialStore();
    const counter = countingFetch();
    const source = connect(store, counter);
    await source.poll();
    await mlflow.logBatch(a, { metrics: points('loss', range(10, 2610)) });
    counter.reset();
    await source.poll();
    expect(steps(store, a)).toEqual(range(0, 2610));
    expect(counter.count('metrics/get-history')).toBe(0);
    expect(counter.count('metrics/get-history-bulk-interval')).toBeGreaterThan(1);
  });

  it('loads a history longer than one bulk answer in full', async () => {
    const a = await createRun('a', 1000);
    await mlflow.logBatch(a, { metrics: points('loss', range(0, 2600)) });
    const store = new TrialStore();
    const counter = countingFetch();
    await connect(store, counter).poll();
    expect(steps(store, a)).toEqual(range(0, 2600));
    expect(counter.count('metrics/get-history')).toBe(1);
  });

  it('maps every run status to a trial status', async () => {
    const statuses = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] as const;
    const ids: string[] = [];
    for (const [i, status] of statuses.entries()) {
      const id = await createRun(status, 1000 + i);
      await mlflow.updateRun({ runId: id, status });
      ids.push(id);
    }
    const store = new TrialStore();
    await connect(store, countingFetch()).poll();
    expect(ids.map((id) => store.getTrial(id)?.status)).toEqual([
      'running',
      'pending',
      'succeeded',
      'failed',
      'cancelled',
    ]);
  });

  it('reads a run as the sync engine imports it: trialkit.status honoured, trialkit.* tags hidden', async () => {
    const runId = await createRun('pruned', 1000, {
      params: { lr: '0.1' },
      tags: {
        team: 'vision',
        'trialkit.status': 'pruned',
        'trialkit.flags': 'spectral_norm',
        'mlflow.note.content': 'stopped early',
      },
    });
    await mlflow.updateRun({ runId, status: 'KILLED', endTime: 2000 });
    const store = new TrialStore();
    await connect(store, countingFetch()).poll();
    const read = store.getTrial(runId)!;
    expect(read.status).toBe('pruned');
    expect(Object.keys(read.tags).filter((k) => k.startsWith('trialkit.'))).toEqual([]);

    const storage = createMemoryStorage();
    const engine = createSyncEngine({ storage, mlflow, pollIntervalMs: 50 });
    try {
      const study = await engine.upsertStudy({
        id: 'imported',
        name: experimentName,
        status: 'running',
        createdAt: 0,
      });
      await engine.importExperiment(study.id);
      await engine.drain();
      const imported = (await engine.findTrialByRun(runId))!;
      // Ids and numbers are each reader's own; MLflow's system tags (run name, user) are neither
      // shown nor synced.
      const fields = ({ id, studyId, number, mlflow: link, ...rest }: typeof read) => rest;
      expect(Object.keys(read.tags).filter((k) => k.startsWith('mlflow.'))).toEqual([]);
      expect(fields(read)).toEqual(fields(imported));
    } finally {
      await engine.stop();
      await storage.close();
    }
  });

  it('notices runs that start, finish or change between polls', async () => {
    const a = await createRun('a', 1000);
    const done = await createRun('done', 1500);
    await mlflow.updateRun({ runId: done, status: 'FINISHED', endTime: 1600 });
    const store = new TrialStore();
    const counter = countingFetch();
    const source = connect(store, counter);
    await source.poll();

    const b = await createRun('b', Date.now());
    await mlflow.logBatch(b, { metrics: points('loss', range(0, 3)) });
    await mlflow.updateRun({ runId: b, status: 'FINISHED', endTime: Date.now() });
    await mlflow.setTag(a, 'phase', 'warmup');
    counter.reset();
    await source.poll();
    expect(store.getTrial(b)).toMatchObject({ status: 'succeeded', number: 2 });
    expect(steps(store, b)).toEqual([0, 1, 2]);
    expect(store.getTrial(a)?.tags.phase).toBe('warmup');

    await mlflow.updateRun({ runId: a, status: 'KILLED', endTime: Date.now() });
    counter.reset();
    await source.poll();
    expect(store.getTrial(a)?.status).toBe('cancelled');
    // The active-run search, the new-run search, and one search by id for the run that left.
    expect(counter.count('runs/search')).toBe(3);
    expect(store.trialsOf(experimentId)).toHaveLength(3);
  });

  it('removes the trial of a deleted run', async () => {
    const a = await createRun('a', 1000);
    const done = await createRun('done', 1500);
    await mlflow.updateRun({ runId: done, status: 'FINISHED' });
    const store = new TrialStore();
    const source = connect(store, countingFetch(), { fullSyncEvery: 2 });
    await source.poll();
    // An active run that is deleted is noticed at the next poll (the same poll completes the
    // experiment's study: its events go out in the order of their seq, or the removal is dropped).
    await mlflow.deleteRun(a);
    await source.poll();
    expect(store.getTrial(a)).toBeUndefined();
    // A finished one at the next full listing.
    await mlflow.deleteRun(done);
    await source.poll();
    expect(store.getTrial(done)).toBeUndefined();
    expect(store.trials.size).toBe(0);
  });

  it('follows an experiment given by id', async () => {
    await createRun('a', 1000);
    const store = new TrialStore();
    const source = connectMlflow(store, {
      trackingUri,
      experimentId,
      intervalMs: 3_600_000,
      activeIntervalMs: 3_600_000,
    });
    sources.push(source);
    await source.poll();
    expect(store.trialsOf(experimentId)).toHaveLength(1);
  });

  it('reports an experiment that does not exist and keeps trying', async () => {
    const store = new TrialStore();
    const errors: string[] = [];
    store.subscribe((change) => errors.push(...change.errors.map((e) => e.message)));
    const source = connect(store, countingFetch(), { experimentName: `${experimentName}-missing` });
    await source.poll();
    store.flush();
    expect(store.connection.state).toBe('reconnecting');
    expect(errors.join()).toMatch(/no experiment named/);
  });

  it('reports an unreachable server without throwing', async () => {
    const store = new TrialStore();
    const source = connectMlflow(store, {
      client: new MlflowClient({ trackingUri: 'http://127.0.0.1:9', retry: false }),
      experimentName: 'x',
      intervalMs: 3_600_000,
      activeIntervalMs: 3_600_000,
    });
    sources.push(source);
    await source.poll();
    expect(store.connection.state).toBe('reconnecting');
  });

  it('polls by itself every intervalMs and stops on close', async () => {
    const a = await createRun('a', 1000);
    const store = new TrialStore();
    const counter = countingFetch();
    const source = connect(store, counter, { intervalMs: 50 });
    await expect.poll(() => store.loaded).toBe(true);
    await mlflow.logBatch(a, { metrics: points('loss', [0, 1]) });
    await expect.poll(() => store.getSeries(a, 'loss')?.length, { timeout: 10_000 }).toBe(2);
    source.close();
    expect(store.connection.state).toBe('closed');
    const after = counter.total();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(counter.total()).toBeLessThanOrEqual(after + 1);
  });

  it('refuses options without a server or an experiment', () => {
    expect(() => connectMlflow(new TrialStore(), { experimentName: 'x' })).toThrow(/trackingUri/);
    expect(() => connectMlflow(new TrialStore(), { trackingUri })).toThrow(/experiment/);
  });
});
