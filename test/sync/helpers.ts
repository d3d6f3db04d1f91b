// Shared by the sync tests: MLflow clients for the test server, and the exactness check that
// compares a trial in the store with its run in MLflow point by point.
import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest';
import { MlflowClient, type MlflowClientOptions } from '../../src/mlflow/index.js';
import {
  type ColumnarPoints,
  createMemoryStorage,
  createSyncEngine,
  type Storage,
  type SyncEngine,
  TRIAL_ID_TAG,
  toRunStatus,
} from '../../src/sync/index.js';

export function mlflowClient(options: Partial<MlflowClientOptions> = {}): MlflowClient {
  return new MlflowClient({ trackingUri: inject('mlflowUri'), ...options });
}

/** `n` points of a training curve, steps `from`…, with a NaN and ±Infinity mixed in. */
export function curve(n: number, from = 0, seed = 1) {
  return Array.from({ length: n }, (_, i) => {
    const step = from + i;
    const value =
      step === 3
        ? Number.NaN
        : step === 4
          ? Number.POSITIVE_INFINITY
          : step === 6
            ? -Infinity
            : seed / (step + 1) + step * 1e-6;
    return { step, value, timestamp: 1_750_000_000_000 + step * 10 };
  });
}

type Point = { step: number; value: number; timestamp: number };
const byStepThenTime = (a: Point, b: Point) =>
  a.step - b.step || a.timestamp - b.timestamp || a.value - b.value;

function pointsOf(p: ColumnarPoints): Point[] {
  return Array.from(p.steps, (step, i) => ({ step, value: p.values[i], timestamp: p.timestamps[i] }));
}

/**
 * The trial's run in MLflow holds exactly its params, tags, status and metric points — none
 * missing, none duplicated — and it is the only run tagged with the trial's id.
 */
export async function expectRunMatchesTrial(
  storage: Storage,
  mlflow: MlflowClient,
  trialId: string,
): Promise<void> {
  const trial = await storage.getTrial(trialId);
  const runId = trial?.mlflow?.runId;
  expect(runId, `trial ${trialId} has a run`).toBeTruthy();
  const run = await mlflow.getRun(runId as string);
  const tagged = await mlflow.searchRuns({
    experimentIds: [run.info.experimentId],
    filter: `tags.\`${TRIAL_ID_TAG}\` = '${trialId}'`,
  });
  expect(
    tagged.runs.map((r) => r.info.runId),
    `one run for trial ${trialId}`,
  ).toEqual([runId]);
  expect(run.data.params).toEqual(
    Object.fromEntries(Object.entries(trial?.params ?? {}).map(([k, v]) => [k, String(v)])),
  );
  for (const [key, value] of Object.entries(trial?.tags ?? {}))
    expect(run.data.tags[key], `tag ${key}`).toBe(value);
  if (trial?.notes !== undefined) expect(run.data.tags['mlflow.note.content']).toBe(trial.notes);
  expect(run.info.status).toBe(toRunStatus(trial?.status ?? 'running'));
  if (trial?.endedAt !== undefined) expect(run.info.endTime).toBe(trial.endedAt);
  const series = await storage.listSeries(trialId);
  expect(Object.keys(run.data.metrics).sort()).toEqual(series.map((s) => s.key).sort());
  for (const { key, points } of series) {
    const stored = pointsOf(await storage.readSeries(trialId, key)).sort(byStepThenTime);
    const remote = (await mlflow.getMetricHistory(runId as string, key)).map(
      ({ step, value, timestamp }) => ({ step, value, timestamp }),
    );
    remote.sort(byStepThenTime);
    expect(remote.length, `points of ${trialId}/${key}`).toBe(points);
    expect(remote, `points of ${trialId}/${key}`).toEqual(stored);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type EngineOptions = Parameters<typeof createSyncEngine>[0];

/**
 * One in-memory store for a test file (PGlite takes a moment to start; ids keep tests apart) and
 * a factory of engines on it, talking to the test MLflow server, stopped after each test.
 */
export function engineFixture(defaults: Partial<EngineOptions> = {}) {
  let storage: Storage | undefined;
  const engines: SyncEngine[] = [];
  beforeAll(async () => {
    storage = createMemoryStorage();
    await storage.ready();
  });
  afterAll(() => storage?.close());
  afterEach(async () => {
    await Promise.all(engines.splice(0).map((e) => e.stop()));
  });
  return {
    get storage(): Storage {
      if (!storage) throw new Error('the store opens in beforeAll');
      return storage;
    },
    engine(options: Partial<EngineOptions> = {}): SyncEngine {
      const e = createSyncEngine({
        storage: this.storage,
        mlflow: mlflowClient(),
        pollIntervalMs: 50,
        ...defaults,
        ...options,
      });
      engines.push(e);
      return e;
    },
  };
}
