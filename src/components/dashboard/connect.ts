/**
 * The store and the sources behind a dashboard's `src`, `mlflow` and `source`, in a module of its
 * own so that `SourceController` can load it with `import()`: the store validates untrusted events
 * with zod, which outweighs every component together, and a page that passes its own `.store` (or
 * has no dashboard at all) should not pay for it. The MLflow source (and its REST client) is a
 * further step away, loaded only for `mlflow=…`.
 */
import { connectEngine } from '../../client/sources/engine.js';
import type { SourceHandle } from '../../client/sources/feed.js';
import { connectSse } from '../../client/sources/sse.js';
import { TrialStore } from '../../client/store.js';
import type { Wiring } from './source-controller.js';

/** Opens the wired connection into `wiring.store`, or into a new store when there is none. */
export async function openConnection(wiring: Wiring): Promise<{ store: TrialStore; handle: SourceHandle }> {
  const store = wiring.store ?? new TrialStore();
  if (wiring.source) return { store, handle: connectEngine(store, wiring.source) };
  if (wiring.src) return { store, handle: connectSse(store, wiring.src) };
  const { connectMlflow } = await import('../../client/sources/mlflow.js');
  const handle = connectMlflow(store, {
    trackingUri: wiring.mlflow!,
    experimentName: wiring.experiment!,
    intervalMs: wiring.pollIntervalMs,
  });
  return { store, handle };
}
