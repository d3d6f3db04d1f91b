/**
 * Feeds a store straight from an MLflow tracking server, with no backend of ours: an
 * {@link MlflowPoller} of one experiment, applied to the store by `connectEngine`.
 */
import { MlflowClient } from '../../../mlflow/index.js';
import type { TrialStore } from '../../store.js';
import { connectEngine } from '../engine.js';
import { errorMessage, type SourceHandle } from '../feed.js';
import { MlflowPoller, type MlflowPollerOptions } from './poller.js';

export interface MlflowSourceOptions extends Omit<MlflowPollerOptions, 'client' | 'experiments'> {
  /** Base URL of the MLflow server, e.g. `http://127.0.0.1:5000`. Ignored when `client` is given. */
  trackingUri?: string;
  /** The experiment to follow, by name... */
  experimentName?: string;
  /** ...or by id. */
  experimentId?: string;
  /** A configured client (auth, retries); otherwise one is made from `trackingUri` and `fetch`. */
  client?: MlflowClient;
  /** The `fetch` a new client uses. */
  fetch?: typeof fetch;
}

/** The handle of {@link connectMlflow}. */
export interface MlflowSourceHandle extends SourceHandle {
  /** Polls now (or waits for the poll under way) and resolves when its events are applied. */
  poll(): Promise<void>;
}

/**
 * Starts polling at once; the store gets the experiment as one study and each run as a trial with
 * its whole metric history, then upserts, removals and appended points. Trials link to their runs
 * (`trial.mlflow = { experimentId, runId }`) and read as the sync engine reads them (`trialkit.*`
 * tags honoured and hidden). A failed poll is reported (connection `reconnecting`) and retried
 * with backoff; it never stops the source.
 */
export function connectMlflow(store: TrialStore, options: MlflowSourceOptions): MlflowSourceHandle {
  const { trackingUri, experimentName, experimentId, client, fetch, ...polling } = options;
  if (!client && !trackingUri) throw new TypeError('connectMlflow needs a trackingUri or a client');
  if (!experimentName && !experimentId) {
    throw new TypeError('connectMlflow needs an experimentName or an experimentId');
  }
  const poller = new MlflowPoller({
    ...polling,
    client: client ?? new MlflowClient({ trackingUri: trackingUri!, fetch }),
    experiments: [experimentId ? { id: experimentId } : { name: experimentName! }],
  });
  let failing = false;
  const stopWatching = poller.onPoll((failures) => {
    failing = failures.length > 0;
    if (!failing) {
      if (store.connection.state === 'reconnecting') store.setConnection({ state: 'open' });
      return;
    }
    const message = errorMessage(failures[0].error);
    // Until the store has its snapshot, the poller's error event is older than the snapshot and
    // never reaches the store, so the failure is reported here.
    if (!store.loaded) store.reportError('source_error', `polling MLflow failed: ${message}`);
    store.setConnection({ state: 'reconnecting', message });
  });
  // The snapshot connectEngine asked for last: `poll()` resolves once it is applied too.
  let snapshot: Promise<unknown> = Promise.resolve();
  const engine = connectEngine(store, {
    subscribe: (listener) => poller.subscribe(listener),
    snapshot: () => {
      const taken = poller.snapshot();
      snapshot = taken.catch(() => {});
      return taken;
    },
  });
  return {
    async poll() {
      await poller.poll();
      // A failed first poll leaves nothing to apply: the snapshot waits for a poll that succeeds.
      if (!failing) await snapshot;
    },
    close() {
      stopWatching();
      poller.close();
      engine.close();
    },
  };
}
