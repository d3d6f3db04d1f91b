/**
 * Turns trial stores back into one stream of protocol events, so anything that fills a store (MLflow
 * polling, in particular) can be served to many browsers by `createEventStream`, with one poller on
 * the server instead of one per open tab. Several stores (one per polled experiment, since a
 * source's snapshot replaces its store's whole state) merge into one stream.
 */
import type { TrialStore } from '../client/index.js';
import { seriesId } from '../client/index.js';
import type { EventProducer, MetricBatch, SnapshotEvent, TrialEvent } from '../protocol/index.js';
import { PROTOCOL_VERSION } from '../protocol/index.js';

/** An {@link EventProducer} relaying the changes of the stores added to it. */
export interface StoreProducer extends EventProducer {
  /** Relays `store` from now on; what it already holds goes out at once. */
  add(store: TrialStore): void;
  /** Stops listening to every store. */
  close(): void;
}

interface SeriesLike {
  length: number;
  steps: ArrayLike<number>;
  values: ArrayLike<number>;
  timestamps: ArrayLike<number>;
}

/** Creates a relay; add the stores to it with {@link StoreProducer.add}. */
export function storeProducer(): StoreProducer {
  const listeners = new Set<(event: TrialEvent) => void>();
  const stores: TrialStore[] = [];
  const unsubscribes: (() => void)[] = [];
  /** How many points of each series have gone out, by `seriesId`. */
  const relayed = new Map<string, number>();
  let seq = 0;

  const emit = (event: TrialEvent) => {
    for (const listener of listeners) listener(event);
  };
  const envelope = () => ({ v: PROTOCOL_VERSION as typeof PROTOCOL_VERSION, seq: ++seq });

  /** Everything every store holds, at the current `seq`; marks every point as relayed. */
  function wholeState(): SnapshotEvent {
    const snapshot: SnapshotEvent = {
      v: PROTOCOL_VERSION,
      seq,
      type: 'snapshot',
      studies: [],
      trials: [],
      metrics: [],
      sync: [],
    };
    relayed.clear();
    for (const store of stores) {
      snapshot.studies.push(...store.studies.values());
      for (const [trialId, trial] of store.trials) {
        snapshot.trials.push(trial);
        for (const [key, series] of store.seriesOf(trialId)) {
          relayed.set(seriesId(trialId, key), series.length);
          snapshot.metrics.push(columns(trialId, key, series, 0));
        }
        const status = store.getSyncState(trialId);
        if (status) snapshot.sync.push({ trialId, ...status });
      }
    }
    return snapshot;
  }

  function relay(store: TrialStore): () => void {
    return store.subscribe((change) => {
      // Points that arrived out of step order were sorted into the middle of a series, and a reset
      // replaced the store: an append cannot say either, so the whole state goes out again.
      const reordered = [...change.series.entries()].some(([id, c]) => c.from < (relayed.get(id) ?? 0));
      if (change.reset || reordered) {
        seq++;
        emit(wholeState());
        return;
      }
      for (const studyId of change.studies) {
        const study = store.getStudy(studyId);
        emit(
          study
            ? { ...envelope(), type: 'study.upsert', study }
            : { ...envelope(), type: 'study.remove', studyId },
        );
      }
      for (const trialId of change.trials) {
        const trial = store.getTrial(trialId);
        emit(
          trial
            ? { ...envelope(), type: 'trial.upsert', trial }
            : { ...envelope(), type: 'trial.remove', trialId },
        );
      }
      const batches: MetricBatch[] = [];
      for (const [id, { trialId, key }] of change.series) {
        const series = store.getSeries(trialId, key);
        const from = relayed.get(id) ?? 0;
        if (!series || series.length <= from) continue;
        relayed.set(id, series.length);
        batches.push(columns(trialId, key, series, from));
      }
      if (batches.length > 0) emit({ ...envelope(), type: 'metrics.append', batches });
      for (const trialId of change.sync) {
        const status = store.getSyncState(trialId);
        if (status) emit({ ...envelope(), type: 'sync.state', trialId, ...status });
      }
      // Polling failures reach every page's error banner, not only the server's console.
      for (const error of change.errors) emit({ ...error, ...envelope() });
    });
  }

  return {
    add(store) {
      stores.push(store);
      unsubscribes.push(relay(store));
      if (store.studies.size + store.trials.size === 0) return;
      seq++;
      emit(wholeState());
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async snapshot() {
      // Relay what the stores hold but have not announced yet, so the snapshot's seq covers it.
      for (const store of stores) store.flush();
      return wholeState();
    },
    close() {
      for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
    },
  };
}

function columns(trialId: string, key: string, series: SeriesLike, from: number): MetricBatch {
  const slice = (a: ArrayLike<number>): number[] => Array.prototype.slice.call(a, from, series.length);
  return {
    trialId,
    key,
    steps: slice(series.steps),
    values: slice(series.values),
    timestamps: slice(series.timestamps),
  };
}
