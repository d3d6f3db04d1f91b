/**
 * Relays other processes' changes: while anyone subscribes to this engine, it LISTENs to the
 * shared store and re-emits each change another engine committed, read back from the store.
 */
import { parseNotice, type SeriesFeed } from '../change-feed.js';
import type { EventHub, UnsequencedEvent } from '../event-hub.js';
import type { Storage } from '../storage.js';

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
      this.listening = this.storage.listenChanges((payload) => this.relay(payload)).catch(() => undefined);
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
