/**
 * What every story needs around the generator: stores in each state the components must handle
 * (loaded, empty, loading, live, failing), and cleanup of live feeds when a story is left.
 */
import { TrialStore } from '../src/client/index.js';
import type { EventProducer, SnapshotEvent, TrialEvent } from '../src/protocol/index.js';
import {
  type GenerateOptions,
  generateSnapshot,
  type LiveOptions,
  startLiveTraining,
} from '../test/fixtures/studies.js';

/** Theme chosen in the Storybook toolbar, for a component's `theme` attribute. */
export function themeOf(context: { globals: Record<string, unknown> }): 'light' | 'dark' {
  return context.globals.theme === 'dark' ? 'dark' : 'light';
}

/** A store holding generated studies. */
export function loadedStore(options: GenerateOptions = {}): TrialStore {
  const store = new TrialStore();
  store.applyTrusted(generateSnapshot(options));
  store.setConnection({ state: 'open' });
  return store;
}

/** A store whose source answered with nothing at all. */
export function emptyStore(): TrialStore {
  const store = new TrialStore();
  store.applyTrusted({ v: 1, seq: 0, type: 'snapshot', studies: [], trials: [], metrics: [], sync: [] });
  return store;
}

/** A store still waiting for its first event. */
export function loadingStore(): TrialStore {
  const store = new TrialStore();
  store.setConnection({ state: 'connecting' });
  return store;
}

/** A store that lost its source and received a malformed event. */
export function failingStore(options: GenerateOptions = {}): TrialStore {
  const store = loadedStore(options);
  store.apply({
    v: 1,
    seq: 99,
    type: 'metrics.append',
    batches: [{ trialId: 'study-1-t0', key: 'loss', steps: [1] }],
  });
  store.setConnection({
    state: 'reconnecting',
    message: 'the event stream closed (HTTP 502); retrying in 2 s',
  });
  return store;
}

/**
 * A store that keeps training: running trials log a step every `intervalMs`. The feed stops once
 * `element` has been on the page and left it (the user moved to another story).
 */
export function liveStore(element: HTMLElement, options: LiveOptions = {}): TrialStore {
  const store = new TrialStore();
  const stop = startLiveTraining(store, options);
  store.setConnection({ state: 'open' });
  let seen = false;
  const watch = setInterval(() => {
    if (element.isConnected) seen = true;
    else if (seen) {
      stop();
      clearInterval(watch);
    }
  }, 500);
  return store;
}

/**
 * A generated study the team has worked on: three trials starred and tagged, a comment thread and
 * step annotations on the first starred one.
 */
export function teamSnapshot(options: GenerateOptions = {}): SnapshotEvent {
  const snapshot = generateSnapshot(options);
  const now = Date.now();
  const trials = snapshot.trials.filter((t) => t.studyId === snapshot.studies.at(-1)?.id).slice(0, 3);
  for (const [i, trial] of trials.entries()) {
    trial.starred = true;
    trial.tags = { ...trial.tags, candidate: '', ...(i === 0 && { longer_run: '3x' }) };
  }
  const first = trials[0];
  if (first) {
    first.comments = [
      { id: 'c1', author: 'ana', text: 'Diverging after the warm-up?', createdAt: now - 45 * 60_000 },
      { id: 'c2', author: 'bo', text: 'lr drop here', createdAt: now - 20 * 60_000, step: 5, key: 'loss' },
      { id: 'c3', author: 'ana', text: 'Recovered. <b>Worth</b> a longer run.', createdAt: now - 5 * 60_000 },
    ];
  }
  return snapshot;
}

/**
 * An in-process producer of a fixed snapshot that applies a team's edits (what the sync engine's
 * `applyEvents` does, without storing them): stars, tags and comments work in a story.
 */
export function teamProducer(snapshot: SnapshotEvent): EventProducer & {
  applyEvents(events: readonly TrialEvent[]): Promise<void>;
} {
  const listeners = new Set<(event: TrialEvent) => void>();
  let seq = snapshot.seq;
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    snapshot: async () => snapshot,
    async applyEvents(events) {
      for (const event of events) for (const listener of listeners) listener({ ...event, seq: ++seq });
    },
  };
}
