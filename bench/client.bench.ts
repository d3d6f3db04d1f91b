// `npm run bench:client`: how fast 100,000 metric points reach one local MLflow server.
//   1. RunLogger, one logMetric call per point (a training loop)
//   2. MLflow's Python fluent API with async logging, one mlflow.log_metric call per point
//   3. MLflow's Python MlflowClient().log_batch with all points at once
//   4. raw HTTP ceiling: pre-serialized 1,000-metric log-batch bodies, best concurrency of 1/2/4/8
// Every run is checked afterwards (all 100,000 points on the server). BENCH_ROUNDS (default 2)
// repeats each case, alternating, and keeps the best: the server is the limit and noise is large.
// Besides wall-clock points/s, each case reports points per CPU-second of the MLflow server process
// (from /proc): on a shared, loaded machine that figure moves far less than wall-clock time does.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { MLFLOW_VERSION, startMlflowServer, venvPython } from '../scripts/mlflow-server.mjs';
import { MlflowClient, mapConcurrently } from '../src/mlflow/index.js';

const POINTS = 100_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
// Python's fluent API sends tiny batches when its caller is slow (a loaded machine), so 100,000
// points can take an hour there; BENCH_FLUENT_POINTS measures its rate on fewer points instead.
const FLUENT_POINTS = Number(process.env.BENCH_FLUENT_POINTS ?? POINTS);
const PYTHON_TIMEOUT_MS = Number(process.env.BENCH_PYTHON_TIMEOUT_S ?? 3600) * 1000;
const T0 = 1_700_000_000_000;
const value = (i: number) => Math.sin(i / 100) + i / POINTS;

const server = await startMlflowServer();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => server.stop().finally(() => process.exit(130)));
}
const client = new MlflowClient({ trackingUri: server.uri });
const experimentId = await client.createExperiment(`bench-${Date.now()}`);

/** CPU seconds used so far by the server's uvicorn process (the one that answers requests). */
function serverCpuSeconds(): number {
  const needle = `--port\0${server.port}\0`;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmdline.includes('uvicorn') || !cmdline.includes(needle)) continue;
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks
    } catch {
      // the process went away while we looked
    }
  }
  throw new Error('cannot find the MLflow server process in /proc');
}

async function newRun(name: string): Promise<string> {
  return (await client.createRun({ experimentId, runName: name })).info.runId;
}

async function verify(runId: string, label: string, points = POINTS): Promise<void> {
  const history = await client.getMetricHistory(runId, 'loss');
  if (history.length !== points || history.some((p, i) => p.step !== i)) {
    throw new Error(`${label}: expected ${points} points in order, found ${history.length}`);
  }
}

/** Seconds to log every point with a RunLogger, from the first call until close() resolves. */
async function runLogger(): Promise<number> {
  const runId = await newRun('runlogger');
  const started = performance.now();
  const logger = client.runLogger(runId);
  for (let step = 0; step < POINTS; step++) {
    const room = logger.logMetric('loss', value(step), { step, timestamp: T0 + step });
    if (room) await room;
  }
  await logger.close();
  const seconds = (performance.now() - started) / 1000;
  await verify(runId, 'RunLogger');
  return seconds;
}

/** Seconds to post pre-serialized max-size bodies with `concurrency` requests in flight. */
async function rawHttp(concurrency: number): Promise<number> {
  const runId = await newRun(`raw-${concurrency}`);
  const bodies: string[] = [];
  for (let start = 0; start < POINTS; start += 1000) {
    const metrics = [];
    for (let step = start; step < start + 1000; step++) {
      metrics.push({ key: 'loss', value: value(step), timestamp: T0 + step, step });
    }
    bodies.push(JSON.stringify({ run_id: runId, metrics }));
  }
  const url = `${server.uri}/api/2.0/mlflow/runs/log-batch`;
  const started = performance.now();
  await mapConcurrently(bodies, concurrency, async (body) => {
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    if (!res.ok) throw new Error(`raw post failed: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  });
  const seconds = (performance.now() - started) / 1000;
  await verify(runId, `raw HTTP x${concurrency}`);
  return seconds;
}

/** Runs a Python snippet with the pinned mlflow; it prints the seconds its timed section took. */
async function python(label: string, body: string, points = POINTS): Promise<number> {
  const runId = await newRun(label);
  const script = `
import math, sys, time
import mlflow
from mlflow import MlflowClient
from mlflow.entities import Metric
uri, run_id, N, T0 = sys.argv[1], sys.argv[2], ${points}, ${T0}
mlflow.set_tracking_uri(uri)
value = lambda i: math.sin(i / 100) + i / ${POINTS}
${body}
print(elapsed)
`;
  const result = spawnSync(venvPython, ['-c', script, server.uri, runId], {
    encoding: 'utf8',
    env: { ...process.env, MLFLOW_TRACKING_URI: server.uri },
    maxBuffer: 1 << 24,
    timeout: PYTHON_TIMEOUT_MS,
  });
  if (result.status !== 0)
    throw new Error(`${label} failed (${result.signal ?? result.status}):\n${result.stderr}`);
  const seconds = Number(result.stdout.trim().split('\n').at(-1));
  await verify(runId, label, points);
  return seconds;
}

const pythonFluentAsync = () =>
  python(
    'python-fluent-async',
    `
mlflow.config.enable_async_logging(True)
with mlflow.start_run(run_id=run_id):
    started = time.perf_counter()
    for i in range(N):
        mlflow.log_metric("loss", value(i), step=i, timestamp=T0 + i)
    mlflow.flush_async_logging()
    elapsed = time.perf_counter() - started
`,
    FLUENT_POINTS,
  );

const pythonLogBatch = () =>
  python(
    'python-log-batch',
    `
metrics = [Metric("loss", value(i), T0 + i, i) for i in range(N)]
started = time.perf_counter()
MlflowClient().log_batch(run_id, metrics=metrics)
elapsed = time.perf_counter() - started
`,
  );

const best: Record<string, number> = {};
const bestPerCpu: Record<string, number> = {};
const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(9);

/** Runs one case, prints its figures, keeps the best of each. */
async function measure(label: string, run: () => Promise<number>, points = POINTS): Promise<number> {
  const cpuBefore = serverCpuSeconds();
  const seconds = await run();
  // Includes the case's verification read and run creation: the same small extra for every case.
  const cpu = serverCpuSeconds() - cpuBefore;
  const rate = points / seconds;
  best[label] = Math.max(best[label] ?? 0, rate);
  bestPerCpu[label] = Math.max(bestPerCpu[label] ?? 0, points / cpu);
  console.log(
    `  ${label.padEnd(34)} ${seconds.toFixed(2).padStart(7)} s ${fmt(rate)} points/s ${fmt(points / cpu)} points/server-CPU-s` +
      (points === POINTS ? '' : ` (${points.toLocaleString('en-US')} points)`),
  );
  return seconds;
}

console.log(
  `MLflow ${MLFLOW_VERSION} at ${server.uri}: mlflow server --backend-store-uri sqlite:///<tmp>/mlflow.db ` +
    `--workers 1 (uvicorn), ${cpus().length} CPUs, load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
);
console.log(
  `${POINTS.toLocaleString('en-US')} points of one metric per case, ${ROUNDS} round(s), best kept\n`,
);
const [LOGGER, FLUENT, BATCH, RAW] = [
  '1. RunLogger (logMetric per point)',
  '2. Python fluent, async logging',
  '3. Python MlflowClient.log_batch',
  '4. raw HTTP ceiling',
];
let bestConcurrency = 4;
try {
  // A fresh `mlflow server` spends its first half minute starting background job processes that
  // compete for the CPU; measuring then would charge that to whichever case runs first.
  const warmup = await rawHttp(2);
  console.log(
    `warm-up: ${POINTS.toLocaleString('en-US')} raw points in ${warmup.toFixed(1)} s (not counted)\n`,
  );
  await new Promise((resolve) => setTimeout(resolve, 5000));
  for (let round = 1; round <= ROUNDS; round++) {
    console.log(`round ${round}`);
    await measure(LOGGER, runLogger);
    if (round === 1) {
      let fastest = Infinity;
      for (const concurrency of [1, 2, 4, 8]) {
        console.log(`     raw HTTP, concurrency ${concurrency}:`);
        const seconds = await measure(RAW, () => rawHttp(concurrency));
        if (seconds < fastest) [fastest, bestConcurrency] = [seconds, concurrency];
      }
    } else {
      await measure(RAW, () => rawHttp(bestConcurrency));
    }
    await measure(BATCH, pythonLogBatch);
    await measure(FLUENT, pythonFluentAsync, FLUENT_POINTS);
  }
} finally {
  await server.stop();
}

function report(title: string, figures: Record<string, number>): void {
  const [logger, fluent, batch, raw] = [figures[LOGGER], figures[FLUENT], figures[BATCH], figures[RAW]];
  console.log(
    `\n${title}: RunLogger ${fmt(logger).trim()}, raw HTTP ${fmt(raw).trim()}, Python log_batch ${fmt(batch).trim()}, Python fluent async ${fmt(fluent).trim()}`,
  );
  console.log(`  RunLogger / raw HTTP ceiling      ${((logger / raw) * 100).toFixed(0)}%   (target >= 90%)`);
  console.log(`  RunLogger / Python log_batch      ${(logger / batch).toFixed(2)}x  (target > 1x)`);
  console.log(`  RunLogger / Python fluent async   ${(logger / fluent).toFixed(2)}x  (target >= 5x)`);
}

report(`best points/s (raw HTTP at concurrency ${bestConcurrency})`, best);
report('best points per server-CPU-second', bestPerCpu);
