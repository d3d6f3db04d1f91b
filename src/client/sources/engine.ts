/**
 * Feeds a store from an in-process producer such as the sync engine: no network, no parsing,
 * events applied as they are emitted.
 */
import type { EventProducer, TrialEvent } from '../../protocol/index.js';
import { producerWindowFetcher } from '../lod/window-fetcher.js';
import type { TrialStore } from '../store.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import { EventFeed, errorMessage, type SourceHandle } from './feed.js';

export interface EngineSourceOptions {
  /** Delays between attempts when `snapshot()` fails. */
  backoff?: BackoffOptions;
  /**
   * Level of detail: when the producer serves series windows, take summaries instead of raw
   * points in the snapshot and let charts fetch windows (default false: every point, as before;
   * `connect()`, which the dashboard uses, turns it on).
   */
  windows?: boolean;
}

/**
 * Subscribes to `producer`, then applies its snapshot, then the events that arrived meanwhile
 * with a higher `seq`, then every live event: nothing is lost or applied twice.
 * Sets the store's connection to `connecting`, then `open` once the snapshot is in, and `closed`
 * on `close()`. A failed snapshot is reported and retried (`reconnecting`) with backoff.
 */
export function connectEngine(
  store: TrialStore,
  producer: EventProducer,
  options: EngineSourceOptions = {},
): SourceHandle {
  const feed = new EventFeed(store);
  const backoff = new Backoff(options.backoff);
  let buffered: TrialEvent[] | undefined = [];
  let closed = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  // A producer that serves windows sends summaries instead of raw points in its snapshot.
  const fetcher = options.windows ? producerWindowFetcher(producer) : undefined;
  store.setWindowFetcher(fetcher);

  const deliver = (event: TrialEvent) => {
    // The producer called us; its own work must not fail because a listener of the store did.
    try {
      feed.accept(event);
    } catch (err) {
      store.reportError('source_error', `applying ${event.type} #${event.seq} failed: ${errorMessage(err)}`);
    }
  };

  const load = () => {
    producer.snapshot(fetcher ? { points: false } : undefined).then(
      (snapshot) => {
        if (closed) return;
        deliver(snapshot);
        const pending = buffered ?? [];
        buffered = undefined;
        for (const event of pending) deliver(event);
        store.setConnection({ state: 'open' });
      },
      (err) => {
        if (closed) return;
        store.reportError('source_error', `snapshot failed: ${errorMessage(err)}`);
        store.setConnection({ state: 'reconnecting', message: errorMessage(err) });
        retry = setTimeout(load, backoff.next());
      },
    );
  };

  store.setConnection({ state: 'connecting' });
  const unsubscribe = producer.subscribe((event) => {
    if (closed) return;
    if (buffered) buffered.push(event);
    else deliver(event);
  });
  load();

  return {
    close() {
      if (closed) return;
      closed = true;
      buffered = undefined;
      clearTimeout(retry);
      unsubscribe();
      store.setConnection({ state: 'closed' });
    },
  };
}
