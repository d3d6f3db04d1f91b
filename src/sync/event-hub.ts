/**
 * Numbers and delivers the engine's protocol events, and keeps snapshots exact: every write runs
 * under a shared gate and emits its events before leaving it; a snapshot takes the gate alone, so
 * its `seq` is the last event whose change it contains — no event is both in a snapshot and after it.
 */
import { PROTOCOL_VERSION, type TrialEvent } from '../protocol/events.js';

/** An event before the hub numbers it. */
export type UnsequencedEvent = TrialEvent extends infer E
  ? E extends TrialEvent
    ? Omit<E, 'v' | 'seq'>
    : never
  : never;

/** Receives every event, in `seq` order, synchronously after the change committed. */
export type EventListener = (event: TrialEvent) => void;

export type Emit = (event: UnsequencedEvent) => void;

export class EventHub {
  private seq = 0;
  private readonly listeners = new Set<EventListener>();
  private writers = 0;
  private snapshotting: Promise<void> | undefined;
  private readonly idle: (() => void)[] = [];

  /** The seq of the last event emitted (0 before the first). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs a write; events passed to `emit` are delivered (in order) once `fn` resolved. */
  async write<T>(fn: (emit: Emit) => Promise<T>): Promise<T> {
    while (this.snapshotting) await this.snapshotting;
    this.writers++;
    const pending: UnsequencedEvent[] = [];
    try {
      const result = await fn((event) => pending.push(event));
      for (const event of pending) this.deliver(event);
      return result;
    } finally {
      if (--this.writers === 0) for (const resolve of this.idle.splice(0)) resolve();
    }
  }

  /** Runs `fn` while no write is under way; `fn` receives the seq its reads are consistent with. */
  async exclusive<T>(fn: (seq: number) => Promise<T>): Promise<T> {
    while (this.snapshotting) await this.snapshotting;
    let release = () => {};
    this.snapshotting = new Promise((resolve) => {
      release = resolve;
    });
    try {
      while (this.writers > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
      return await fn(this.seq);
    } finally {
      this.snapshotting = undefined;
      release();
    }
  }

  private deliver(event: UnsequencedEvent): void {
    const full = { ...event, v: PROTOCOL_VERSION, seq: ++this.seq } as TrialEvent;
    for (const listener of this.listeners) {
      try {
        listener(full);
      } catch (err) {
        // A faulty listener must not break the write that emitted, nor the other listeners.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}
