/**
 * What a source of live events offers: the sync engine, or anything else that emits the
 * protocol's events in-process. `connectEngine` (client) and `createEventStream` (server) consume it,
 * so neither needs to know who produces the events.
 */
import type { SnapshotEvent, TrialEvent } from './events.js';

export interface EventProducer {
  /**
   * Calls `listener` with every event emitted from now on, in `seq` order, until the returned
   * function is called.
   */
  subscribe(listener: (event: TrialEvent) => void): () => void;
  /**
   * The whole current state as one event whose `seq` is that of the last event it reflects.
   * Promise: a listener subscribed before this call receives every event with a higher `seq`,
   * so subscribe, then snapshot, then apply the buffered events with `seq > snapshot.seq`.
   */
  snapshot(): Promise<SnapshotEvent>;
}
