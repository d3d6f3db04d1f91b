/**
 * Relays other processes' changes: while anyone subscribes to this engine, it LISTENs to the
 * shared store and re-emits each change another engine committed, read back from the store.
 */
import { parseNotice, type SeriesFeed } from '../change-feed.js';
import type { EventHub, UnsequencedEvent } from '../event-hub.js';
import type { Storage } from '../storage.js';

/**
 * How much earlier than the lost connection a catch-up reads from: a row's time of change is its
 * transaction's start, and a transaction begun before the loss may have committed after it.
 */
const CATCH_UP_MARGIN_MS = 30_000;

export class Relay {
  /** The LISTEN under way (resolving to its stop function), while anyone subscribes. */
  private listening: Promise<(() => Promise<void>) | undefined> | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly hub: EventHub,
    private readonly feed: SeriesFeed,
    /** This engine's origin: its own notices are not relayed back to it. */
    private readonly origin: string,
  ) {}

  /** Starts or stops listening to match the hub: listen while it has listeners. Call after (un)subscribing. */
  followSubscribers(): void {
    if (this.hub.listenerCount > 0 && !this.listening) {
      this.listening = this.storage
        .listenChanges(
          (payload) => this.relay(payload),
          (awayMs) => this.catchUp(awayMs),
        )
        .catch(() => undefined);
    } else if (this.hub.listenerCount === 0 && this.listening) {
      const stopping = this.listening;
      this.listening = undefined;
      void stopping.then((stop) => stop?.());
    }
  }

  /** Resolves once listening has started (at once when not listening). */
  async ready(): Promise<void> {
    await this.listening;
  }

  /**
   * Re-emits what other processes changed while this one was not listening (its notices are gone):
   * studies, trials and sync states changed since shortly before the connection was lost, and the
   * points of every series beyond what this engine passed on — of a trial changed meanwhile, every
   * point of a series it never spoke of (a new trial's).
   */
  private catchUp(awayMs: number): void {
    this.hub
      .write(async (emit) => {
        const changes = await this.storage.changesWithin(awayMs + CATCH_UP_MARGIN_MS);
        for (const study of changes.studies) emit({ type: 'study.upsert', study });
        for (const trial of changes.trials) emit({ type: 'trial.upsert', trial });
        for (const { trialId, state, error } of changes.syncStates)
          emit({ type: 'sync.state', trialId, state, ...(error !== undefined && { error }) });
        const changedTrials = new Set(changes.trials.map((t) => t.id));
        for (const { trialId, key, points } of changes.series) {
          if (this.feed.knows(trialId, key) || changedTrials.has(trialId))
            await this.feed.extend(this.storage, emit, trialId, key, 0, points);
        }
        this.feed.commit();
      })
      .catch(() => {
        // The store is unreachable again: its next notices still flow.
      });
  }

  /** Re-emits another process's change, read back from the shared store. */
  private relay(payload: string): void {
    const notice = parseNotice(payload);
    if (!notice || notice.origin === this.origin) return;
    this.hub
      .write(async (emit) => {
        if (notice.kind === 'metrics') {
          await this.feed.extend(this.storage, emit, notice.id, notice.key, notice.from, notice.to);
          this.feed.commit();
        } else {
          const event = await this.currentEvent(notice.kind, notice.id);
          if (event) emit(event);
        }
      })
      .catch(() => {
        // The store is unreachable: this event is lost for this process's subscribers; later ones flow.
      });
  }

  private async currentEvent(
    kind: 'study' | 'trial' | 'sync',
    id: string,
  ): Promise<UnsequencedEvent | undefined> {
    if (kind === 'study') {
      const study = await this.storage.getStudy(id);
      return study && { type: 'study.upsert', study };
    }
    if (kind === 'trial') {
      const trial = await this.storage.getTrial(id);
      return trial && { type: 'trial.upsert', trial };
    }
    const sync = await this.storage.getSyncState(id);
    return (
      sync && {
        type: 'sync.state',
        trialId: id,
        state: sync.state,
        ...(sync.error !== undefined && { error: sync.error }),
      }
    );
  }
}
