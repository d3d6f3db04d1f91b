/**
 * Generated studies for the table benchmark, the screenshots and the component tests: a seeded
 * random search that looks like a real one (log-scaled learning rates, a few failed and pruned
 * trials, a flag, MLflow runs), so that figures and pictures are repeatable.
 */
import type { MetricBatch, SnapshotEvent, Study, Trial, TrialStatus } from '../../src/protocol/events.js';
import { seededRandom as random } from '../../src/server/seeded-random.js';

export { random };

export interface StudyFixtureOptions {
  trials: number;
  /** Hyperparameters per trial (the first eight have realistic names). */
  params?: number;
  /** Metric keys; the first is the objective. */
  metrics?: readonly string[];
  /** Points per metric series. */
  points?: number;
  seed?: number;
  studyId?: string;
  name?: string;
  direction?: 'minimize' | 'maximize';
  /** When the study started (epoch ms). */
  createdAt?: number;
}

export const DEFAULT_METRICS = ['val_loss', 'loss', 'accuracy', 'val_accuracy', 'grad_norm'] as const;

const NAMED_PARAMS: readonly ((r: () => number) => string | number | boolean)[] = [
  (r) => 10 ** (-5 + 4 * r()), // lr
  (r) => [16, 32, 64, 128, 256][Math.floor(r() * 5)], // batch_size
  (r) => ['adam', 'adamw', 'sgd', 'lion'][Math.floor(r() * 4)], // optimizer
  (r) => Math.round(r() * 50) / 100, // dropout
  (r) => 2 + Math.floor(r() * 11), // depth
  (r) => [128, 256, 512, 1024][Math.floor(r() * 4)], // width
  (r) => 10 ** (-6 + 4 * r()), // weight_decay
  (r) => r() < 0.5, // use_bn
];
const NAMES = ['lr', 'batch_size', 'optimizer', 'dropout', 'depth', 'width', 'weight_decay', 'use_bn'];

/** The name of the i-th generated param. */
export const paramName = (i: number) => NAMES[i] ?? `p${String(i).padStart(2, '0')}`;

function pickStatus(r: () => number, i: number, count: number): TrialStatus {
  if (i >= count - Math.max(1, Math.floor(count * 0.01))) return r() < 0.5 ? 'running' : 'pending';
  const x = r();
  return x < 0.08 ? 'failed' : x < 0.2 ? 'pruned' : x < 0.22 ? 'cancelled' : 'succeeded';
}

/** One study with `trials` trials and their metric series, as a snapshot event. */
export function studySnapshot(options: StudyFixtureOptions): SnapshotEvent {
  const r = random(options.seed ?? 1);
  const studyId = options.studyId ?? 'study-1';
  const metrics = options.metrics ?? DEFAULT_METRICS;
  const paramCount = options.params ?? 8;
  const points = options.points ?? 8;
  const createdAt = options.createdAt ?? Date.UTC(2026, 10, 20, 9, 0);
  const study: Study = {
    id: studyId,
    name: options.name ?? 'resnet-sweep',
    status: 'running',
    searchSpace: 'lr: log[1e-5, 1e-1] × batch_size: {16…256} × optimizer × dropout: [0, 0.5] × depth: 2..12',
    maxParams: paramCount,
    targetTrials: Math.ceil(options.trials * 1.2),
    objective: { metric: metrics[0], direction: options.direction ?? 'minimize' },
    createdAt,
    tags: {},
    mlflow: { experimentId: '7' },
  };
  const trials: Trial[] = [];
  const batches: MetricBatch[] = [];
  for (let i = 0; i < options.trials; i++) {
    const params: Trial['params'] = {};
    for (let p = 0; p < paramCount; p++)
      params[paramName(p)] = NAMED_PARAMS[p]?.(r) ?? Math.round(r() * 1e4) / 1e4;
    const status = pickStatus(r, i, options.trials);
    const startedAt = status === 'pending' ? undefined : createdAt + i * 60_000;
    const ended = status !== 'running' && status !== 'pending';
    const id = `${studyId}-t${i}`;
    trials.push({
      id,
      studyId,
      number: i,
      status,
      params,
      tags: {},
      flags: r() < 0.3 ? ['spectral_norm'] : [],
      startedAt,
      endedAt: ended && startedAt ? startedAt + Math.floor(30_000 + r() * 3_600_000) : undefined,
      mlflow: status === 'pending' ? undefined : { experimentId: '7', runId: runId(r) },
    });
    if (startedAt === undefined) continue;
    const n = status === 'pruned' ? Math.max(1, points >> 1) : points;
    const quality = r();
    for (const [m, key] of metrics.entries()) {
      const steps: number[] = [];
      const values: number[] = [];
      const timestamps: number[] = [];
      for (let s = 0; s < n; s++) {
        const decay = Math.exp(-(s + 1) / (2 + quality * 4));
        steps.push(s);
        timestamps.push(startedAt + s * 1000);
        const noise = r() * 0.01 * (m + 1);
        const falling = m < 2 || m === 4;
        values.push(falling ? (0.2 + quality) * decay + noise : 1 - (0.3 + quality * 0.5) * decay - noise);
      }
      batches.push({ trialId: id, key, steps, values, timestamps });
    }
  }
  return { v: 1, seq: 0, type: 'snapshot', studies: [study], trials, metrics: batches, sync: [] };
}

function runId(r: () => number): string {
  let id = '';
  for (let i = 0; i < 32; i++) id += Math.floor(r() * 16).toString(16);
  return id;
}

/** `count` studies (no trials), created one hour apart in shuffled order. */
export function studies(count: number, seed = 2): Study[] {
  const r = random(seed);
  const statuses = ['running', 'completed', 'failed', 'paused'] as const;
  const list: Study[] = [];
  for (let i = 0; i < count; i++) {
    list.push({
      id: `archive-${i}`,
      name: `sweep-${String(i).padStart(5, '0')}`,
      status: statuses[Math.floor(r() * statuses.length)],
      targetTrials: 100,
      objective: { metric: 'val_loss', direction: 'minimize' },
      createdAt: Date.UTC(2026, 0, 1) + Math.floor(r() * count) * 3_600_000 + i,
      tags: {},
    });
  }
  return list;
}
