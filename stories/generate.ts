/**
 * Generated studies for stories, tests and screenshots: hyperparameter searches with trials,
 * params, statuses, flags and loss/accuracy curves that look like training. Seeded, so the same
 * options always give the same data (stable screenshots, reproducible tests).
 */
import type { TrialStore } from '../src/client/store.js';
import type { MetricBatch, SnapshotEvent, Study, Trial, TrialEvent } from '../src/protocol/index.js';
import { seededRandom } from '../src/server/seeded-random.js';

export { seededRandom };

export interface GenerateOptions {
  seed?: number;
  /** How many studies (default 3). */
  studies?: number;
  /** Trials in the newest study (default 24); older studies get fewer. */
  trials?: number;
  /** Steps logged by a trial that ran to the end (default 60). */
  steps?: number;
  /** Only the first this many trials of a study get curves (default all): keeps 100,000-trial data small. */
  curveTrials?: number;
  /** Time of the newest study's start, ms since epoch (default 2026-11-20T09:00Z, fixed for screenshots). */
  now?: number;
}

const MODELS = [
  'resnet18-cifar10',
  'vit-tiny-imagenet',
  'gpt2-small-wikitext',
  'unet-segmentation',
  'bert-base-sst2',
];
const OPTIMIZERS = ['adamw', 'sgd', 'lion'];
const SEARCH_SPACE =
  'lr: log[1e-5, 1e-1] × batch_size: {32, 64, 128, 256} × depth: 2..12 × dropout: [0, 0.5] × optimizer: {adamw, sgd, lion} × weight_decay: log[1e-6, 1e-2]';
const STEP_MS = 15_000;

/** A whole state as one snapshot event: apply it with `store.applyTrusted(snapshot)`. */
export function generateSnapshot(options: GenerateOptions = {}): SnapshotEvent {
  const random = seededRandom(options.seed ?? 1);
  const now = options.now ?? Date.UTC(2026, 10, 20, 9);
  const studyCount = options.studies ?? 3;
  const studies: Study[] = [];
  const trials: Trial[] = [];
  const metrics: MetricBatch[] = [];
  for (let s = 0; s < studyCount; s++) {
    const newest = s === studyCount - 1;
    const study = makeStudy(s, newest, now - (studyCount - 1 - s) * 86_400_000, options);
    studies.push(study);
    const count = newest ? (options.trials ?? 24) : Math.max(4, Math.round((options.trials ?? 24) / 2));
    for (let n = 0; n < count; n++) {
      const trial = makeTrial(random, study, n, count, newest);
      trials.push(trial);
      if (n < (options.curveTrials ?? Number.POSITIVE_INFINITY)) {
        metrics.push(...makeCurves(random, trial, options.steps ?? 60));
      }
    }
  }
  return { v: 1, seq: 0, type: 'snapshot', studies, trials, metrics, sync: [] };
}

function makeStudy(index: number, newest: boolean, createdAt: number, options: GenerateOptions): Study {
  return {
    id: `study-${index + 1}`,
    name: `${MODELS[index % MODELS.length]} sweep ${index + 1}`,
    status: newest ? 'running' : 'completed',
    searchSpace: SEARCH_SPACE,
    maxParams: 6,
    targetTrials: newest ? Math.max(options.trials ?? 24, 10) + 16 : undefined,
    objective: { metric: 'val_loss', direction: 'minimize' },
    createdAt,
    endedAt: newest ? undefined : createdAt + 6 * 3_600_000,
    tags: {},
  };
}

function makeTrial(random: () => number, study: Study, n: number, count: number, live: boolean): Trial {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const logUniform = (lo: number, hi: number) => Number((10 ** (lo + random() * (hi - lo))).toPrecision(3));
  const remaining = count - n;
  const status: Trial['status'] = !live
    ? pick(['succeeded', 'succeeded', 'succeeded', 'pruned', 'failed'] as const)
    : remaining <= 2
      ? 'pending'
      : remaining <= 6
        ? 'running'
        : pick(['succeeded', 'succeeded', 'succeeded', 'pruned', 'pruned', 'failed', 'cancelled'] as const);
  const startedAt = status === 'pending' ? undefined : study.createdAt + n * 120_000;
  const flags = random() < 0.3 ? ['spectral_norm'] : [];
  return {
    id: `${study.id}-t${n}`,
    studyId: study.id,
    number: n,
    status,
    params: {
      lr: logUniform(-5, -1),
      batch_size: pick([32, 64, 128, 256]),
      depth: 2 + Math.floor(random() * 11),
      dropout: Number((random() * 0.5).toFixed(2)),
      optimizer: pick(OPTIMIZERS),
      weight_decay: logUniform(-6, -2),
    },
    tags: {},
    flags,
    startedAt,
    endedAt: startedAt && status !== 'running' ? startedAt + 40 * STEP_MS : undefined,
    notes:
      n % 5 === 0
        ? `Trial ${n}: ${flags.length ? 'spectral norm on; ' : ''}watch for overfitting after step 40.`
        : undefined,
  };
}

/** The shape of one trial's training: how fast it learns, where it ends, how noisy it is. */
export interface CurveShape {
  readonly floor: number;
  readonly rate: number;
  readonly noise: number;
  readonly gap: number;
}

export function curveShape(random: () => number): CurveShape {
  return {
    floor: 0.15 + random() * 0.5,
    rate: 0.03 + random() * 0.08,
    noise: 0.01 + random() * 0.03,
    gap: random() * 0.15,
  };
}

/** The four metrics of one step of training with the given shape. */
export function pointAt(shape: CurveShape, step: number, random: () => number): Record<string, number> {
  const decay = Math.exp(-shape.rate * step);
  const loss = shape.floor + 2.2 * decay + (random() - 0.5) * shape.noise * 4;
  const valLoss = loss + shape.gap * (1 - decay) + (random() - 0.5) * shape.noise * 6;
  const accuracy = Math.min(
    0.995,
    0.1 + 0.88 * (1 - decay) * (1 - shape.floor / 2) + (random() - 0.5) * shape.noise,
  );
  const valAccuracy = accuracy - shape.gap / 3 + (random() - 0.5) * shape.noise * 2;
  return { loss, val_loss: valLoss, accuracy, val_accuracy: valAccuracy };
}

function makeCurves(random: () => number, trial: Trial, steps: number): MetricBatch[] {
  if (!trial.startedAt) return [];
  const length =
    trial.status === 'succeeded'
      ? steps
      : trial.status === 'running'
        ? Math.round(steps * (0.2 + random() * 0.6))
        : Math.max(3, Math.round(steps * (0.1 + random() * 0.4)));
  const shape = curveShape(random);
  const columns: Record<string, number[]> = { loss: [], val_loss: [], accuracy: [], val_accuracy: [] };
  const stepList: number[] = [];
  const timestamps: number[] = [];
  for (let step = 0; step < length; step++) {
    const point = pointAt(shape, step, random);
    for (const key of Object.keys(columns)) columns[key].push(point[key]);
    stepList.push(step);
    timestamps.push(trial.startedAt + step * STEP_MS);
  }
  return Object.entries(columns).map(([key, values]) => ({
    trialId: trial.id,
    key,
    steps: stepList,
    values,
    timestamps,
  }));
}

/** A store-shaped sink: `TrialStore` and anything else with `applyTrusted`. */
type Sink = Pick<TrialStore, 'applyTrusted'>;

export interface LiveOptions extends GenerateOptions {
  /** Milliseconds between batches of points (default 250). */
  intervalMs?: number;
}

/**
 * Feeds `store` a generated snapshot, then keeps training its running trials: every interval each
 * running trial logs a step; a trial that reaches the last step finishes and a pending one starts.
 * Returns a function that stops it.
 */
export function startLiveTraining(store: Sink, options: LiveOptions = {}): () => void {
  const random = seededRandom((options.seed ?? 1) + 7);
  const steps = options.steps ?? 60;
  const snapshot = generateSnapshot(options);
  let seq = 0;
  store.applyTrusted(snapshot);
  const live = new Map<string, { trial: Trial; shape: CurveShape; step: number }>();
  const lastStep = new Map<string, number>();
  for (const batch of snapshot.metrics) lastStep.set(batch.trialId, batch.steps.length);
  for (const trial of snapshot.trials) {
    if (trial.status === 'running')
      live.set(trial.id, { trial, shape: curveShape(random), step: lastStep.get(trial.id) ?? 0 });
  }
  const emit = (event: TrialEvent) => store.applyTrusted(event);
  const tick = () => {
    const now = Date.now();
    const batches: MetricBatch[] = [];
    for (const [id, run] of live) {
      const point = pointAt(run.shape, run.step, random);
      for (const [key, value] of Object.entries(point)) {
        batches.push({ trialId: id, key, steps: [run.step], values: [value], timestamps: [now] });
      }
      run.step++;
      if (run.step >= steps) {
        live.delete(id);
        emit({
          v: 1,
          seq: ++seq,
          type: 'trial.upsert',
          trial: { ...run.trial, status: 'succeeded', endedAt: now },
        });
        const next = snapshot.trials.find(
          (t) => t.status === 'pending' && !live.has(t.id) && !lastStep.has(t.id),
        );
        if (next) {
          const started = { ...next, status: 'running' as const, startedAt: now };
          lastStep.set(next.id, 0);
          live.set(next.id, { trial: started, shape: curveShape(random), step: 0 });
          emit({ v: 1, seq: ++seq, type: 'trial.upsert', trial: started });
        }
      }
    }
    if (batches.length) emit({ v: 1, seq: ++seq, type: 'metrics.append', batches });
  };
  const timer = setInterval(tick, options.intervalMs ?? 250);
  return () => clearInterval(timer);
}
