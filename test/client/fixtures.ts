// Small builders of protocol events and an in-memory producer, shared by the client and server tests.
import type {
  EventProducer,
  MetricBatch,
  SnapshotEvent,
  Study,
  Trial,
  TrialEvent,
} from '../../src/protocol/index.js';

export function study(id: string, extra: Partial<Study> = {}): Study {
  return { id, name: id, status: 'running', createdAt: 1, tags: {}, ...extra };
}

export function trial(id: string, studyId: string, extra: Partial<Trial> = {}): Trial {
  return { id, studyId, number: 0, status: 'running', params: {}, tags: {}, flags: [], ...extra };
}

export function batch(trialId: string, key: string, steps: number[], values?: number[]): MetricBatch {
  return {
    trialId,
    key,
    steps,
    values: values ?? steps.map((s) => s / 10),
    timestamps: steps.map((s) => 1000 + s),
  };
}

/**
 * A producer like the sync engine: a `seq` counter, a state folded from the events it emitted,
 * `subscribe` and `snapshot`. `emit` takes an event without `v` and `seq` and numbers it.
 */
export class TestProducer implements EventProducer {
  seq = 0;
  readonly studies = new Map<string, Study>();
  readonly trials = new Map<string, Trial>();
  readonly metrics: MetricBatch[] = [];
  private readonly listeners = new Set<(event: TrialEvent) => void>();
  /** Resolves `snapshot()` only when this is opened (to test events racing a snapshot). */
  gate?: Promise<void>;

  subscribe(listener: (event: TrialEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  async snapshot(): Promise<SnapshotEvent> {
    // Taken now, delivered later: events emitted meanwhile must come after it.
    const snap: SnapshotEvent = {
      v: 1,
      seq: this.seq,
      type: 'snapshot',
      studies: [...this.studies.values()],
      trials: [...this.trials.values()],
      metrics: this.metrics.map((b) => ({ ...b })),
      sync: [],
    };
    await this.gate;
    return snap;
  }

  emit(event: DistributiveOmit<TrialEvent, 'v' | 'seq'>): TrialEvent {
    const full = { ...event, v: 1, seq: ++this.seq } as TrialEvent;
    if (full.type === 'study.upsert') this.studies.set(full.study.id, full.study);
    if (full.type === 'trial.upsert') this.trials.set(full.trial.id, full.trial);
    if (full.type === 'trial.remove') this.trials.delete(full.trialId);
    if (full.type === 'metrics.append') this.metrics.push(...full.batches);
    for (const listener of this.listeners) listener(full);
    return full;
  }

  upsertStudy(s: Study): TrialEvent {
    return this.emit({ type: 'study.upsert', study: s });
  }
  upsertTrial(t: Trial): TrialEvent {
    return this.emit({ type: 'trial.upsert', trial: t });
  }
  append(...batches: MetricBatch[]): TrialEvent {
    return this.emit({ type: 'metrics.append', batches });
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Resolves once `check` returns true, polling every few ms; rejects after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
