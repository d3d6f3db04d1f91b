/**
 * The simulated hyperparameter search behind `npm start` and `trialkit demo`: studies whose trials
 * train (loss, val_loss and accuracy curves a few points per second), get pruned by a median rule,
 * sometimes fail, and are replaced by new trials until the study reaches its target. It drives a real
 * sync engine, so what the dashboard shows went through the same path as a user's own trials.
 *
 * Deterministic for a given seed and tick sequence, so tests can step it with {@link Demo.tick}.
 */
import type { Study, Trial, TrialStatus } from '../protocol/index.js';
import { seededRandom as random } from './seeded-random.js';

/** A metric observation, as the engine's `appendMetrics` takes it. */
export interface DemoPoint {
  step: number;
  value: number;
  timestamp: number;
}

/** The part of a sync engine the demo drives. */
export interface DemoEngine {
  upsertStudy(study: Study): Promise<unknown>;
  upsertTrial(trial: Trial): Promise<unknown>;
  appendMetrics(trialId: string, key: string, points: DemoPoint[]): Promise<unknown>;
  /** The trial as stored, so tags a viewer added meanwhile survive the trial's end. */
  getTrial?(id: string): Promise<Trial | undefined>;
}

export interface DemoOptions {
  /** Seeds the random choices; the same seed and ticks give the same search. Default 1. */
  seed?: number;
  /** Milliseconds of training time one step stands for; also the live tick interval. Default 400. */
  stepMs?: number;
  /** Trials that train at once in each study. Default 4. */
  concurrency?: number;
  /** Studies that run at once. Default 2. */
  studies?: number;
  /** Trials a study runs before it completes (and a new study of its kind starts). Default 40. */
  targetTrials?: number;
  /** The wall clock; tests pass a fake one. Default `Date.now`. */
  now?: () => number;
  /** Ticks of 10 steps run at start so the first page view already has history. Default 12. */
  warmupTicks?: number;
  /** Study ids already taken (from a data directory the demo ran in before); numbering continues after them. */
  existingStudyIds?: Iterable<string>;
}

/** A running simulation. */
export interface Demo {
  /** Advances every running trial by `steps` steps (default 1) and writes the result to the engine. */
  tick(steps?: number): Promise<void>;
  /** Ticks every `stepMs` until {@link Demo.stop}; one tick at a time, never overlapping. */
  run(): void;
  /** Stops ticking; resolves once the tick in progress (if any) has been written. */
  stop(): Promise<void>;
  /** The studies the demo has started, in order. */
  readonly studies: readonly Study[];
}

/** One kind of search the demo runs: a model family with its own search space. */
interface StudyKind {
  /** Short: it prefixes study and trial ids, which the dashboard shows in legends. */
  slug: string;
  name: string;
  searchSpace: string;
  maxSteps: number;
  /** Loss the best possible trial approaches. */
  floor: number;
}

// The last one started is the newest, which the dashboard opens first: the ResNet curves read best.
const KINDS: readonly StudyKind[] = [
  {
    slug: 'gpt',
    name: 'GPT-mini on WikiText-103',
    searchSpace: 'lr: log[1e-4, 3e-1] x dropout: [0, 0.3] x batch_size: {64, 128, 256} x depth: 2..8',
    maxSteps: 100,
    floor: 2.9,
  },
  {
    slug: 'resnet',
    name: 'ResNet-18 on CIFAR-10',
    searchSpace:
      'lr: log[1e-4, 3e-1] x weight_decay: log[1e-6, 1e-2] x batch_size: {64, 128, 256} x depth: 2..8',
    maxSteps: 80,
    floor: 0.18,
  },
];

/** Steps at which the median rule may prune a trial. */
const CHECKPOINTS = [20, 40, 60];

interface Run {
  trial: Trial;
  step: number;
  /** How well the params suit the task: 0 (hopeless) to 1 (ideal). */
  quality: number;
  /** Decay rate of the loss curve. */
  speed: number;
  noise: number;
  /** Diverging trials blow up at this step; undefined for stable ones. */
  divergeAt?: number;
  /** A trial that crashes (out of memory) at this step. */
  crashAt?: number;
  lastValLoss: number;
}

interface StudyState {
  kind: StudyKind;
  study: Study;
  /** Prefix of its trials' ids, e.g. `resnet-2` for `resnet-2-t007`. */
  prefix: string;
  nextNumber: number;
  finished: number;
  running: Run[];
  /** val_loss of every trial of this study at each checkpoint, for the median rule. */
  atCheckpoint: Map<number, number[]>;
}

/** Creates a simulation writing to `engine`. Call {@link Demo.tick} or {@link Demo.run}; nothing happens before. */
export function createDemo(engine: DemoEngine, options: DemoOptions = {}): Demo {
  const rand = random(options.seed ?? 1);
  const stepMs = options.stepMs ?? 400;
  const concurrency = options.concurrency ?? 4;
  const targetTrials = options.targetTrials ?? 40;
  const now = options.now ?? Date.now;
  const warmupTicks = options.warmupTicks ?? 12;
  const taken = new Set(options.existingStudyIds ?? []);
  // Virtual training time: during warm-up it runs ahead of the wall clock's past so points get
  // plausible, increasing timestamps; once live it tracks the wall clock.
  let clock = now() - warmupTicks * 10 * stepMs;
  const started: Study[] = [];
  const active: StudyState[] = [];
  let warmedUp = false;
  /** Studies started together still get distinct times, so "newest first" has one answer. */
  let lastCreatedAt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let stopped = false;

  const between = (lo: number, hi: number) => lo + (hi - lo) * rand();
  const logBetween = (lo: number, hi: number) => Math.exp(between(Math.log(lo), Math.log(hi)));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)];
  const round = (x: number, digits = 6) => Number(x.toPrecision(digits));

  async function startStudy(kind: StudyKind): Promise<StudyState> {
    let index = 1;
    while (taken.has(`demo-${kind.slug}-${index}`)) index++;
    const id = `demo-${kind.slug}-${index}`;
    const prefix = `${kind.slug}-${index}`;
    taken.add(id);
    lastCreatedAt = Math.max(Math.round(clock), lastCreatedAt + 1);
    const study: Study = {
      id,
      name: `${kind.name} #${index}`,
      status: 'running',
      searchSpace: kind.searchSpace,
      maxParams: 6,
      targetTrials,
      objective: { metric: 'val_loss', direction: 'minimize' },
      createdAt: lastCreatedAt,
      tags: { source: 'trialkit demo', sampler: 'random', pruner: 'median' },
    };
    await engine.upsertStudy(study);
    started.push(study);
    const state: StudyState = {
      kind,
      study,
      prefix,
      nextNumber: 0,
      finished: 0,
      running: [],
      atCheckpoint: new Map(),
    };
    active.push(state);
    return state;
  }

  async function startTrial(state: StudyState): Promise<void> {
    const number = state.nextNumber++;
    const lr = logBetween(1e-4, 3e-1);
    const weightDecay = logBetween(1e-6, 1e-2);
    const batchSize = pick([64, 128, 256]);
    const depth = 2 + Math.floor(rand() * 7);
    const dropout = between(0, 0.3);
    const spectralNorm = rand() < 0.25;
    // The best learning rate is about 3e-3; quality falls off with its distance in decades.
    const lrDistance = Math.abs(Math.log10(lr) - Math.log10(3e-3));
    const quality =
      Math.max(0, 1 - lrDistance / 2.2 - Math.abs(depth - 5) * 0.04) * (spectralNorm ? 1.05 : 1);
    const params: Trial['params'] =
      state.kind.slug === 'resnet'
        ? {
            lr: round(lr, 4),
            weight_decay: round(weightDecay, 3),
            batch_size: batchSize,
            depth,
            spectral_norm: spectralNorm,
          }
        : {
            lr: round(lr, 4),
            dropout: round(dropout, 3),
            batch_size: batchSize,
            depth,
            spectral_norm: spectralNorm,
          };
    const trial: Trial = {
      id: `${state.prefix}-t${String(number).padStart(3, '0')}`,
      studyId: state.study.id,
      number,
      name: runName(number),
      status: 'running',
      params,
      tags: { optimizer: pick(['adamw', 'sgd', 'lion']) },
      flags: spectralNorm ? ['spectral_norm'] : [],
      startedAt: clock,
    };
    const run: Run = {
      trial,
      step: 0,
      quality,
      speed: 0.03 + 0.05 * rand() + 0.04 * quality,
      // Spectral normalisation is there to keep training stable: its curves are smoother.
      noise: (spectralNorm ? 0.006 : 0.016) * (1 + (256 - batchSize) / 256),
      divergeAt: lr > 0.08 && !spectralNorm ? 8 + Math.floor(rand() * 20) : undefined,
      crashAt: batchSize === 256 && depth >= 7 && rand() < 0.5 ? 2 + Math.floor(rand() * 6) : undefined,
      lastValLoss: Number.POSITIVE_INFINITY,
    };
    state.running.push(run);
    await engine.upsertTrial(trial);
  }

  /** The trial's metrics at `step`, shaped like real training curves. */
  function metricsAt(state: StudyState, run: Run, step: number) {
    const { floor } = state.kind;
    const start = floor + 2.3;
    const reachable = floor + (1 - run.quality) * 1.6;
    const jitter = () => (rand() - 0.5) * 2 * run.noise * (1 + 2 / (1 + step));
    let loss = reachable + (start - reachable) * Math.exp(-run.speed * step);
    // Validation loss follows training loss, then rises once the model overfits.
    const overfit = Math.max(0, step - 30 - run.quality * 40) * 0.004 * (1.2 - run.quality);
    let valLoss = loss * 1.08 + overfit;
    if (run.divergeAt !== undefined && step > run.divergeAt - 6) {
      // Enough to see it go wrong, not so much that one curve flattens every other on the chart.
      const blowUp = Math.exp((step - (run.divergeAt - 6)) * 0.08);
      loss *= blowUp;
      valLoss *= blowUp;
    }
    loss *= 1 + jitter();
    valLoss *= 1 + jitter();
    const accuracy = Math.min(0.995, Math.max(0, 1 - (valLoss - floor * 0.6) / (start - floor * 0.6)) * 0.97);
    return { loss, valLoss, accuracy };
  }

  function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  }

  /** Why the trial ends at this step, if it does: an outcome and the tags that explain it. */
  function outcome(
    state: StudyState,
    run: Run,
  ): { status: TrialStatus; tags: Record<string, string> } | undefined {
    if (run.crashAt !== undefined && run.step >= run.crashAt) {
      return { status: 'failed', tags: { error: 'CUDA out of memory (batch_size 256 x depth >= 7)' } };
    }
    if (run.divergeAt !== undefined && run.step >= run.divergeAt) {
      return { status: 'failed', tags: { error: `loss diverged at step ${run.step}` } };
    }
    if (CHECKPOINTS.includes(run.step)) {
      const peers = state.atCheckpoint.get(run.step) ?? [];
      state.atCheckpoint.set(run.step, [...peers, run.lastValLoss]);
      // The median rule: stop a trial worse than the median of its peers at the same step.
      if (peers.length >= 3 && run.lastValLoss > median(peers)) {
        return { status: 'pruned', tags: { pruned_at: String(run.step), pruner: 'median' } };
      }
    }
    if (run.step >= state.kind.maxSteps) return { status: 'succeeded', tags: {} };
    return undefined;
  }

  async function advance(state: StudyState, run: Run, steps: number): Promise<boolean> {
    const loss: DemoPoint[] = [];
    const valLoss: DemoPoint[] = [];
    const accuracy: DemoPoint[] = [];
    // Examples trained on so far: a trial with larger batches sees more a step (a metric to plot others against).
    const samples: DemoPoint[] = [];
    const batchSize = Number(run.trial.params.batch_size);
    let ending: ReturnType<typeof outcome>;
    for (let i = 0; i < steps && !ending; i++) {
      run.step++;
      const timestamp = Math.round(clock + (i + 1) * stepMs);
      const m = metricsAt(state, run, run.step);
      loss.push({ step: run.step, value: round(m.loss), timestamp });
      valLoss.push({ step: run.step, value: round(m.valLoss), timestamp });
      accuracy.push({ step: run.step, value: round(m.accuracy), timestamp });
      samples.push({ step: run.step, value: run.step * batchSize, timestamp });
      run.lastValLoss = m.valLoss;
      ending = outcome(state, run);
    }
    await engine.appendMetrics(run.trial.id, 'loss', loss);
    await engine.appendMetrics(run.trial.id, 'val_loss', valLoss);
    await engine.appendMetrics(run.trial.id, 'accuracy', accuracy);
    await engine.appendMetrics(run.trial.id, 'samples_seen', samples);
    if (!ending) return false;
    const tags = (await engine.getTrial?.(run.trial.id))?.tags ?? run.trial.tags;
    run.trial = {
      ...run.trial,
      status: ending.status,
      endedAt: Math.round(clock + steps * stepMs),
      tags: { ...tags, ...ending.tags },
    };
    await engine.upsertTrial(run.trial);
    return true;
  }

  async function tickStudy(state: StudyState, steps: number): Promise<void> {
    for (const run of [...state.running]) {
      if (await advance(state, run, steps)) {
        state.running.splice(state.running.indexOf(run), 1);
        state.finished++;
      }
    }
    // New trials start as others end, until the study has started all it intends to run.
    while (state.running.length < concurrency && state.nextNumber < targetTrials) await startTrial(state);
    if (state.running.length === 0 && state.nextNumber >= targetTrials) {
      state.study = { ...state.study, status: 'completed', endedAt: Math.round(clock) };
      await engine.upsertStudy(state.study);
      active.splice(active.indexOf(state), 1);
      await startStudy(state.kind);
    }
  }

  async function tick(steps = 1): Promise<void> {
    if (active.length === 0) {
      for (const kind of KINDS.slice(0, options.studies ?? 2)) await startStudy(kind);
    }
    for (const state of [...active]) await tickStudy(state, steps);
    clock += steps * stepMs;
  }

  async function loop(): Promise<void> {
    if (!warmedUp) {
      for (let i = 0; i < warmupTicks && !stopped; i++) await tick(10);
      warmedUp = true;
      clock = Math.max(clock, now());
    }
    if (stopped) return;
    await tick(1);
    clock = Math.max(clock, now());
  }

  function schedule(delay: number): void {
    timer = setTimeout(() => {
      inFlight = loop().then(
        () => {
          if (!stopped) schedule(stepMs);
        },
        (err: unknown) => {
          // A failed write (e.g. storage closed under us) ends the simulation; say why once.
          if (!stopped) console.error(`[trialkit] demo stopped: ${(err as Error).message}`);
          stopped = true;
        },
      );
    }, delay);
  }

  return {
    tick,
    run() {
      stopped = false;
      schedule(0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
    },
    get studies() {
      return started;
    },
  };
}

const ADJECTIVES = [
  'brave',
  'calm',
  'eager',
  'gentle',
  'lively',
  'quiet',
  'swift',
  'witty',
  'bold',
  'keen',
  'merry',
];
const ANIMALS = [
  'owl',
  'fox',
  'otter',
  'lynx',
  'heron',
  'badger',
  'wren',
  'seal',
  'moth',
  'crane',
  'hare',
  'newt',
  'yak',
];

/** A run name as MLflow makes them up (`brave-owl-12`), from the trial's number alone. */
function runName(number: number): string {
  return `${ADJECTIVES[number % ADJECTIVES.length]}-${ANIMALS[(number * 7) % ANIMALS.length]}-${number}`;
}
