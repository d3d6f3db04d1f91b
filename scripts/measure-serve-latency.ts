// How soon a point logged to MLflow reaches `trialkit serve`'s SSE stream, and what the poller costs
// MLflow in requests per second, idle and busy. Usage:
//   npx tsx scripts/measure-serve-latency.ts MLFLOW_URI [--seconds 30]
// Logs one point per run every 250 ms to two runs of a new experiment. Two readers follow them:
// `trialkit serve` itself (the built CLI, a process of its own), whose `/events` stream is read as a
// page reads it; and a poller configured as serve configures it, in this process, whose requests
// are counted through its client's `fetch`. Latency is from a point's timestamp to its arrival.
import { MlflowPoller } from '../src/client/index.js';
import { MlflowClient } from '../src/mlflow/index.js';
import { parseEvent } from '../src/protocol/index.js';
import { startServer } from '../test/cli/harness.js';
import { cliPath, ensureBuilt } from './ensure-built.mjs';

const [uri, , secondsArg] = process.argv.slice(2);
const seconds = Number(secondsArg ?? 30);
/** `trialkit serve`'s default `--interval`. */
const INTERVAL_MS = 2000;
const writer = new MlflowClient({ trackingUri: uri });
let requests = 0;
const counted: typeof fetch = (input, init) => {
  requests++;
  return fetch(input, init);
};
const experiment = `latency-${Date.now()}`;
const experimentId = await writer.createExperiment(experiment);

const pollerLatencies: number[] = [];
const poller = new MlflowPoller({
  client: new MlflowClient({ trackingUri: uri, fetch: counted }),
  experiments: [{ name: experiment }],
  intervalMs: INTERVAL_MS,
});
poller.subscribe((event) => {
  if (event.type !== 'metrics.append') return;
  const now = Date.now();
  for (const batch of event.batches) for (const t of batch.timestamps) pollerLatencies.push(now - t);
});
await poller.snapshot();

ensureBuilt();
const serve = await startServer([
  cliPath,
  'serve',
  '--mlflow',
  uri,
  '--experiment',
  experiment,
  '--port',
  '0',
]);
const sseLatencies: number[] = [];
const sse = new AbortController();
const reading = readSse(`${serve.url}/events`, sse.signal, (data) => {
  const now = Date.now();
  const parsed = parseEvent(data);
  if (!parsed.ok) throw parsed.error;
  const { event } = parsed;
  if (event.type !== 'metrics.append') return;
  for (const batch of event.batches) for (const t of batch.timestamps) sseLatencies.push(now - t);
});

const rate = async (ms: number) => {
  const before = requests;
  await new Promise((r) => setTimeout(r, ms));
  return ((requests - before) / ms) * 1000;
};
let idleRate = 0;
let busyRate = 0;
let afterRate = 0;
try {
  idleRate = await rate(10_000);

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
  pollerLatencies.length = 0;
  sseLatencies.length = 0;
  busyRate = await rate(seconds * 1000);
  stop = true;
  await logging;
  await Promise.all(
    runs.map((runId) => writer.updateRun({ runId, status: 'FINISHED', endTime: Date.now() })),
  );
  afterRate = await rate(15_000); // backs off once idle
} finally {
  poller.close();
  sse.abort();
  await reading;
  await serve.stop();
}

console.log(
  JSON.stringify({
    sse: summary(sseLatencies),
    poller: summary(pollerLatencies),
    idleRps: idleRate,
    busyRps: busyRate,
    idleAfterRps: afterRate,
  }),
);

/** Calls `onData` with the `data:` of each SSE event of `url` until `signal` aborts. */
async function readSse(url: string, signal: AbortSignal, onData: (data: string) => void): Promise<void> {
  const response = await fetch(url, { signal, headers: { Accept: 'text/event-stream' } });
  const decoder = new TextDecoder();
  let buffered = '';
  try {
    for await (const chunk of response.body!) {
      buffered += decoder.decode(chunk, { stream: true });
      let end = buffered.indexOf('\n\n');
      for (; end >= 0; end = buffered.indexOf('\n\n')) {
        const data = buffered
          .slice(0, end)
          .split('\n')
          .filter((line) => line.startsWith('data: '))
          .map((line) => line.slice(6))
          .join('\n');
        buffered = buffered.slice(end + 2);
        if (data) onData(data);
      }
    }
  } catch (err) {
    if (!signal.aborted) throw err;
  }
}

function summary(latencies: number[]) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { points: sorted.length, p50Ms: at(0.5), p95Ms: at(0.95), maxMs: sorted.at(-1) };
}
