// `npm run bench:protocol`: what reading an event costs a dashboard — the protocol's zod-free reader
// (`parseEvent`) against the schema it is proved equal to (`trialEventSchema.safeParse`, the
// baseline), in one process, on the same parsed JSON: a live `metrics.append` of 200 trials × 50
// points (10,000 points, a busy second of a search) and a tab's first snapshot of 1,000 trials with
// their summaries.
import { parseEvent, trialEventSchema } from '../src/protocol/index.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const T0 = 1_700_000_000_000;

const append = {
  v: 3,
  seq: 1,
  type: 'metrics.append',
  batches: Array.from({ length: 200 }, (_, t) => ({
    trialId: `trial-${t}`,
    key: 'loss',
    steps: Array.from({ length: 50 }, (_, i) => 1000 + i),
    values: Array.from({ length: 50 }, (_, i) => (i === 7 ? 'NaN' : Math.exp(-i / 40) + t / 1e4)),
    timestamps: Array.from({ length: 50 }, (_, i) => T0 + i * 100),
  })),
};
const point = (step: number) => ({ step, value: 1 / (step + 1), timestamp: T0 + step });
const snapshot = {
  v: 3,
  seq: 1,
  type: 'snapshot',
  studies: [{ id: 'study', name: 'search', status: 'running', createdAt: T0, tags: { team: 'vision' } }],
  trials: Array.from({ length: 1000 }, (_, t) => ({
    id: `trial-${t}`,
    studyId: 'study',
    number: t,
    name: `run-${t}`,
    status: t % 10 ? 'succeeded' : 'running',
    params: { lr: 10 ** -(1 + (t % 4)), depth: 2 + (t % 10), optimizer: t % 2 ? 'adam' : 'sgd' },
    tags: { 'mlflow.runName': `run-${t}` },
    flags: t % 7 ? [] : ['spectral_norm'],
    startedAt: T0 + t,
    mlflow: { experimentId: '1', runId: `r${t}` },
  })),
  summaries: Array.from({ length: 1000 }, (_, t) => ({
    trialId: `trial-${t}`,
    key: 'loss',
    count: 20_000,
    first: point(0),
    last: point(19_999),
    min: point(19_000),
    max: point(3),
  })),
};

/** Median milliseconds of `read` over ROUNDS, after a warm-up. */
function median(read: () => unknown): number {
  for (let i = 0; i < 5; i++) read();
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    read();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)] as number;
}

for (const [name, event] of [
  ['metrics.append, 200 × 50 points', append],
  ['snapshot, 1,000 trials + summaries', snapshot],
] as const) {
  if (!parseEvent(event).ok || !trialEventSchema.safeParse(event).success)
    throw new Error(`${name} does not read`);
  const reader = median(() => parseEvent(event));
  const schema = median(() => trialEventSchema.safeParse(event));
  console.log(
    `${name.padEnd(36)} reader ${reader.toFixed(2)} ms   zod schema (baseline) ${schema.toFixed(2)} ms   ${(schema / reader).toFixed(1)}× faster`,
  );
}
