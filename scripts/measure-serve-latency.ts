// How soon a point logged to MLflow reaches `trialkit serve`'s SSE stream, and what the poller costs
// MLflow in requests per second, idle and busy. Usage:
//   npx tsx scripts/measure-serve-latency.ts MLFLOW_URI [--seconds 30]
// Logs one point per run every 250 ms to two runs of a new experiment while a poller streams them
// (as `trialkit serve` does), counting the poller's requests through its client's `fetch`.
import { MlflowPoller } from '../src/client/index.js';
import { MlflowClient } from '../src/mlflow/index.js';

const [uri, , secondsArg] = process.argv.slice(2);
const seconds = Number(secondsArg ?? 30);
const writer = new MlflowClient({ trackingUri: uri });
let requests = 0;
const counted: typeof fetch = (input, init) => {
  requests++;
  return fetch(input, init);
};
const experiment = `latency-${Date.now()}`;
const experimentId = await writer.createExperiment(experiment);
const poller = new MlflowPoller({
  client: new MlflowClient({ trackingUri: uri, fetch: counted }),
  experiments: [{ name: experiment }],
  intervalMs: 2000,
});
const latencies: number[] = [];
poller.subscribe((event) => {
  if (event.type !== 'metrics.append') return;
  const now = Date.now();
  for (const batch of event.batches) for (const t of batch.timestamps) latencies.push(now - t);
});
await poller.snapshot();

const rate = async (ms: number) => {
  const before = requests;
  await new Promise((r) => setTimeout(r, ms));
  return ((requests - before) / ms) * 1000;
};
const idleRate = await rate(10_000);

const runs = await Promise.all(
  ['a', 'b'].map(async (name) => (await writer.createRun({ experimentId, runName: name })).info.runId),
);
let stop = false;
const logging = (async () => {
  for (let step = 0; !stop; step++) {
    await Promise.all(
      runs.map((runId) => writer.logMetric(runId, 'loss', 1 / (step + 1), { step, timestamp: Date.now() })),
    );
    await new Promise((r) => setTimeout(r, 250));
  }
})();
await new Promise((r) => setTimeout(r, 3000)); // warm up: the runs are found
latencies.length = 0;
const busyRate = await rate(seconds * 1000);
stop = true;
await logging;
await Promise.all(runs.map((runId) => writer.updateRun({ runId, status: 'FINISHED', endTime: Date.now() })));
const afterRate = await rate(15_000); // backs off once idle
poller.close();

latencies.sort((a, b) => a - b);
const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
console.log(
  JSON.stringify({
    points: latencies.length,
    p50Ms: at(0.5),
    p95Ms: at(0.95),
    maxMs: latencies.at(-1),
    idleRps: idleRate,
    busyRps: busyRate,
    idleAfterRps: afterRate,
  }),
);
