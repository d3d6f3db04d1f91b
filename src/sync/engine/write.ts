/**
 * The write pipeline: the one way the engine changes state. Each write runs in one transaction,
 * under the hub's lock, with its events delivered after the commit and a notice for other
 * processes sharing the store committed with it.
 */
import type { ChangeNotice, SeriesFeed, Write } from '../change-feed.js';
import type { EventHub, UnsequencedEvent } from '../event-hub.js';
import type { Storage } from '../storage.js';

/** What a write pipeline works with. */
export interface WriteDeps {
  storage: Storage;
  hub: EventHub;
  feed: SeriesFeed;
  /** Tells this engine's notices from other processes' ones. */
  origin: string;
  /** Called after every write, committed or not (the worker looks for new jobs). */
  afterWrite(): void;
}

/** Builds the engine's {@link Write}. */
export function createWrite({ storage, hub, feed, origin, afterWrite }: WriteDeps): Write {
  return async (fn) => {
    try {
      return await hub.write(async (emit) => {
        try {
          const result = await storage.transaction(async (tx) => {
            const notices: ChangeNotice[] = [];
            const result = await fn({
              tx,
              emit(event) {
                emit(event);
                const notice = noticeOf(event, origin);
                if (notice) notices.push(notice);
              },
              async points(trialId, key, from, to, known) {
                await feed.extend(tx, emit, trialId, key, from, to, known);
                notices.push({ origin, kind: 'metrics', id: trialId, key, from, to });
              },
            });
            await tx.notifyChanges(notices.map((n) => JSON.stringify(n)));
            return result;
          });
          feed.commit();
          return result;
        } catch (err) {
          feed.discard();
          throw err;
        }
      });
    } finally {
      afterWrite();
    }
  };
}

/** The notice other processes need for an event (metric points have their own, with a range). */
function noticeOf(event: UnsequencedEvent, origin: string): ChangeNotice | undefined {
  switch (event.type) {
    case 'study.upsert':
      return { origin, kind: 'study', id: event.study.id };
    case 'trial.upsert':
      return { origin, kind: 'trial', id: event.trial.id };
    case 'sync.state':
      return { origin, kind: 'sync', id: event.trialId };
    default:
      return undefined;
  }
}
