/**
 * One way to open a live connection into a store, by what the caller has: an in-process producer,
 * an SSE URL, or an MLflow server and experiment. The dashboard loads this module with `import()`,
 * so registering the components costs a page no validation code until it connects somewhere; the
 * MLflow source (and its REST client) is a further step away, loaded only for `mlflow`.
 */
import type { EventProducer } from '../protocol/index.js';
import { connectEngine } from './sources/engine.js';
import type { SourceHandle } from './sources/feed.js';
import type { StudyGrouping } from './sources/mlflow/studies.js';
import { connectSse } from './sources/sse.js';
import { TrialStore } from './store.js';

/** What presence means for an in-process source: nobody else reads this tab's producer. */
const LOCAL_PRESENCE = 'This page reads its source in-process: you are its only viewer.';
/** Why a tab polling MLflow itself cannot know of others. */
const MLFLOW_PRESENCE =
  'Each tab polls MLflow on its own, so other viewers cannot be seen. Serve the dashboard with trialkit serve to share presence.';

/** Where the data comes from; the first that is set wins, in this order. */
export interface ConnectOptions {
  /** An in-process producer of protocol events. */
  readonly source?: EventProducer;
  /** An SSE endpoint URL. */
  readonly src?: string;
  /** An MLflow tracking server URL, with `experiment` the experiment's name. */
  readonly mlflow?: string;
  readonly experiment?: string;
  /** With `mlflow`: whether each parent run of nested runs is a study too (`parent`, the default) or only the experiment is. */
  readonly studies?: StudyGrouping;
  /** MLflow poll interval in milliseconds (the source's default when unset). */
  readonly pollIntervalMs?: number;
  /** A store the caller feeds; when unset, a new one is made. */
  readonly store?: TrialStore;
}

/** An open connection and the store it feeds. */
export interface Connection {
  store: TrialStore;
  handle: SourceHandle;
}

/** Opens the connection `options` name into `options.store`, or into a new store. */
export async function connect(options: ConnectOptions): Promise<Connection> {
  const store = options.store ?? new TrialStore();
  if (options.source) {
    store.presence.setStatus({ state: 'local', reason: LOCAL_PRESENCE });
    return { store, handle: connectEngine(store, options.source, { windows: true }) };
  }
  // Level of detail: the server beside the stream serves windows at `series`; presence at `presence`.
  if (options.src)
    return { store, handle: connectSse(store, options.src, { windows: true, presence: true }) };
  if (!options.mlflow || !options.experiment) {
    throw new TypeError('connect: give a source, an SSE src, or an MLflow server with an experiment');
  }
  store.presence.setStatus({ state: 'unavailable', reason: MLFLOW_PRESENCE });
  const { connectMlflow } = await import('./sources/mlflow/connect-mlflow.js');
  const handle = connectMlflow(store, {
    trackingUri: options.mlflow,
    experimentName: options.experiment,
    ...(options.pollIntervalMs !== undefined && { intervalMs: options.pollIntervalMs }),
    ...(options.studies !== undefined && { studies: options.studies }),
  });
  return { store, handle };
}
