/**
 * Numbers and delivers the engine's protocol events. Writes (and snapshots) run one at a time and
 * emit their events before the next starts, so `seq` order is commit order, and a snapshot's `seq`
 * is exactly the last event whose change it contains: no event is both in a snapshot and after it.
 */
import { PROTOCOL_VERSION, type TrialEvent } from '../protocol/events.js';
import { firstSeq } from '../protocol/producer.js';

/** An event before the hub numbers it. */
export type UnsequencedEvent = TrialEvent extends infer E
  ? E extends TrialEvent
    ? Omit<E, 'v' | 'seq'>
    : never
  : never;

/** Receives every event, in `seq` order, synchronously after its change committed. */
export type EventListener = (event: TrialEvent) => void;

export type Emit = (event: UnsequencedEvent) => void;

export class EventHub {
  /** @param onError receives what a listener threw; by default it is logged with `console.error`. */
  constructor(
    private readonly onError: (error: unknown, event: TrialEvent) => void = (error) =>
      console.error('trialkit: an event listener threw', error),
  ) {}

  /** Numbered from the clock (see `firstSeq`): a restart never reuses an earlier process's numbers. */
  private seq = firstSeq();
  private readonly listeners = new Set<EventListener>();
  private tail: Promise<unknown> = Promise.resolve();
  private queuedCount = 0;

  /** The seq of the last event emitted (`firstSeq()` of the hub's start before the first). */
  get lastSeq(): number {
    return this.seq;
  }

  /** How many writes and exclusive runs were ever queued: tells whether one was queued since a moment. */
  get queued(): number {
    return this.queuedCount;
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs a write after the previous one; events passed to `emit` are delivered once `fn` resolved. */
  write<T>(fn: (emit: Emit) => Promise<T>): Promise<T> {
    return this.serially(async () => {
      const pending: UnsequencedEvent[] = [];
      const result = await fn((event) => pending.push(event));
      for (const event of pending) this.deliver(event);
      return result;
    });
  }

  /** Runs `fn` between writes; it receives the seq its reads are consistent with. */
  exclusive<T>(fn: (seq: number) => Promise<T>): Promise<T> {
    return this.serially(() => fn(this.seq));
  }

  private serially<T>(fn: () => Promise<T>): Promise<T> {
    this.queuedCount++;
    const run = this.tail.then(fn);
    this.tail = run.catch(() => {});
    return run;
  }

  private deliver(event: UnsequencedEvent): void {
    const full = { ...event, v: PROTOCOL_VERSION, seq: ++this.seq } as TrialEvent;
    for (const listener of this.listeners) {
      try {
        listener(full);
      } catch (err) {
        // A faulty listener must not break the write that emitted, the other listeners, nor the process.
        try {
          this.onError(err, full);
        } catch {
          // The error hook failed as well: nothing is left to tell.
        }
      }
    }
  }
}
