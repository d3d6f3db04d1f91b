/**
 * What a source of live events offers: the sync engine, or anything else that emits the
 * protocol's events in-process. `connectEngine` (client) and `createEventStream` (server) consume it,
 * so neither needs to know who produces the events.
 */
import type { SnapshotEvent, TrialEvent } from './events.js';
import type { SeriesWindow, SeriesWindowQuery } from './series-window.js';

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
  snapshot(options?: SnapshotOptions): Promise<SnapshotEvent>;
  /**
   * The exact M4 window of a metric for some trials (see `SeriesWindowQuery`). Optional: producers
   * without it serve raw points only, and readers fall back to them. Rejects with a
   * `SeriesWindowQueryError` naming the field for an unknown study, trial or key.
   */
  seriesWindow?(query: SeriesWindowQuery, signal?: AbortSignal): Promise<SeriesWindow>;
}

/** What a snapshot carries. */
export interface SnapshotOptions {
  /**
   * `false`: no raw points; the snapshot's `summaries` hold one summary per series instead (a
   * producer that cannot summarise may still send points). Default `true`: every raw point, as v1.
   */
  points?: boolean;
}

/**
 * Where a producer starts numbering its events: the clock, in microseconds. A restarted process
 * then numbers above every event the one before it sent (unless that one averaged a thousand
 * events a millisecond), so a tab that resumes with the old process's last `seq` asks for events
 * older than any the new one holds and gets a snapshot. Numbered from 0 instead, the new process
 * would replay from that number and the tab would never see the new process's first events.
 */
export function firstSeq(now = Date.now()): number {
  return now * 1000;
}
