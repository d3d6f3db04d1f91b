// `npm run bench:sync`: 200 trials x 5 metrics x 1,000 steps synced to a local MLflow server
// through the sync engine (recorded in the memory store, queued, pushed), against the same points
// logged through the bare RunLogger. Prints points/s for both, the ratio, and peak memory.
// TRIALS, METRICS and STEPS in the environment scale it down for a quick look.
import { startMlflowServer } from '../scripts/mlflow-server.mjs';
import { MlflowClient, mapConcurrently } from '../src/mlflow/index.js';
import { createMemoryStorage, createSyncEngine } from '../src/sync/index.js';

const TRIALS = Number(process.env.TRIALS ?? 200);
const METRICS = Number(process.env.METRICS ?? 5);
const STEPS = Number(process.env.STEPS ?? 1000);
const TOTAL = TRIALS * METRICS * STEPS;
/** Both sides keep 8 log-batch requests in flight: 4 jobs x 2, or 2 loggers x 4. */
const ENGINE_JOBS = 4;
const LOGGERS_AT_ONCE = 2;

const value = (trial: number, metric: number, step: number) =>
  Math.exp(-step / 300) * (1 + metric) + trial * 1e-4;
const timestamp = (step: number) => 1_750_000_000_000 + step;
const params = (trial: number) => ({
  lr: 10 ** -(1 + (trial % 4)),
  depth: 2 + (trial % 10),
  optimizer: 'adam',
});

/** Peak resident set size while `fn` runs. */
async function measure(name: string, fn: () => Promise<void>) {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  const start = performance.now();
  await fn();
  const seconds = (performance.now() - start) / 1000;
  clearInterval(sampler);
  const rate = TOTAL / seconds;
  console.log(
    `${name.padEnd(10)} ${TOTAL} points in ${seconds.toFixed(1)} s = ${Math.round(rate)} points/s, peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB`,
  );
  return rate;
}

async function bareRunLogger(client: MlflowClient) {
  const experimentId = await client.createExperiment(`bench-runlogger-${Date.now()}`);
  const trials = Array.from({ length: TRIALS }, (_, i) => i);
  await mapConcurrently(trials, LOGGERS_AT_ONCE, async (trial) => {
    const run = await client.createRun({ experimentId, runName: `trial-${trial}` });
    const logger = client.runLogger(run.info.runId);
    logger.logParams(params(trial));
    for (let step = 0; step < STEPS; step++) {
      for (let metric = 0; metric < METRICS; metric++) {
        const pending = logger.logMetric(`metric_${metric}`, value(trial, metric, step), {
          step,
          timestamp: timestamp(step),
        });
        if (pending) await pending;
      }
    }
    await logger.close();
  });
}

async function throughEngine(client: MlflowClient) {
  const storage = createMemoryStorage();
  await storage.ready();
  const engine = createSyncEngine({ storage, mlflow: client, concurrency: ENGINE_JOBS, pollIntervalMs: 100 });
  engine.start();
  const study = await engine.upsertStudy({
    id: 'bench',
    name: `bench-engine-${Date.now()}`,
    status: 'running',
    createdAt: Date.now(),
  });
  for (let trial = 0; trial < TRIALS; trial++) {
    const id = `trial-${trial}`;
    await engine.upsertTrial({
      id,
      studyId: study.id,
      number: trial,
      status: 'running',
      params: params(trial),
    });
    for (let metric = 0; metric < METRICS; metric++) {
      const points = Array.from({ length: STEPS }, (_, step) => ({
        step,
        value: value(trial, metric, step),
        timestamp: timestamp(step),
      }));
      await engine.appendMetrics(id, `metric_${metric}`, points);
    }
  }
  await engine.drain();
  await engine.stop();
  const dead = await engine.listJobs('dead');
  if (dead.length) throw new Error(`${dead.length} sync jobs failed: ${dead[0].lastError}`);
  await storage.close();
}

const server = await startMlflowServer();
try {
  const client = new MlflowClient({ trackingUri: server.uri });
  console.log(
    `MLflow ${server.uri} (sqlite, 1 worker); ${TRIALS} trials x ${METRICS} metrics x ${STEPS} steps`,
  );
  const bare = await measure('RunLogger', () => bareRunLogger(client));
  const engine = await measure('engine', () => throughEngine(client));
  const overhead = (bare / engine - 1) * 100;
  console.log(
    `engine / RunLogger = ${(engine / bare).toFixed(3)} (engine costs ${overhead.toFixed(1)}% over the bare client; target <= 15%)`,
  );
} finally {
  await server.stop();
}
