/**
 * Applies one producer's events to a store in `seq` order. Shared by every source, so that a
 * replay after a reconnect (or an event that raced a snapshot) is applied once, never twice.
 */
import { parseEvent } from '../../protocol/codec.js';
import type { TrialEvent } from '../../protocol/index.js';
import type { TrialStore } from '../store.js';

export class EventFeed {
  constructor(private readonly store: TrialStore) {}

  /**
   * Applies a valid event unless it is one the store already has (`seq` not above the store's
   * `lastSeq`). A snapshot is always applied: it replaces the state, whatever came before; so is a
   * `presence`, which is state beside the producer's and carries the `seq` of the event before it.
   */
  accept(event: TrialEvent): boolean {
    if (event.type !== 'snapshot' && event.type !== 'presence' && event.seq <= this.store.lastSeq)
      return false;
    this.store.applyTrusted(event);
    return true;
  }

  /** Validates untrusted input (JSON text or a parsed object); a malformed event is reported, not fatal. */
  acceptUntrusted(input: unknown): boolean {
    const result = parseEvent(input);
    if (result.ok) return this.accept(result.event);
    this.store.reportError(result.error.code, result.error.message, result.error.path);
    return false;
  }
}

/** What every `connectX` returns. */
export interface SourceHandle {
  /** Stops feeding the store and releases the connection; the store keeps what it holds. Idempotent. */
  close(): void;
}

/** The message of anything thrown. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * An event-handler slot typed as a method, whose parameter TypeScript checks both ways, so the
 * DOM's, Node's and the `eventsource` package's classes all fit the `...Like` interfaces.
 */
export type Handler<E> = { handle(event: E): void }['handle'] | null;
