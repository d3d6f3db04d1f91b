/**
 * The write pipeline: the one way the engine changes state. Each write runs in one transaction,
 * under the hub's lock, with its events delivered after the commit and a notice for other
 * processes sharing the store committed with it.
 */
import type { ChangeNotice, SeriesFeed, Write, WriteScope } from '../change-feed.js';
import type { Emit, EventHub, UnsequencedEvent } from '../event-hub.js';
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

/**
 * Writes many callers' changes in one transaction (group commit). `take` is called once the
 * hub's lock is held and gives the members; `all` writes them together, settling each. If that
 * transaction fails, `one` writes each member in a transaction of its own, in order, still under
 * the lock (nothing else comes between), so a bad member fails alone and the others land.
 */
export type GroupWrite = <M, T>(
  take: () => M[],
  all: (scope: WriteScope, members: M[]) => Promise<PromiseSettledResult<T>[]>,
  one: (scope: WriteScope, member: M) => Promise<T>,
) => Promise<PromiseSettledResult<T>[]>;

/** Builds the engine's {@link Write}. */
export function createWrite(deps: WriteDeps): Write {
  return async (fn) => {
    try {
      return await deps.hub.write((emit) => transact(deps, emit, fn));
    } finally {
      deps.afterWrite();
    }
  };
}

/** Builds the engine's {@link GroupWrite}. */
export function createGroupWrite(deps: WriteDeps): GroupWrite {
  return async (take, all, one) => {
    try {
      return await deps.hub.write(async (emit) => {
        const members = take();
        try {
          return await transact(deps, emit, (scope) => all(scope, members));
        } catch (err) {
          if (members.length === 1) return [{ status: 'rejected', reason: err }];
          const settled: PromiseSettledResult<Awaited<ReturnType<typeof one>>>[] = [];
          for (const member of members) {
            try {
              settled.push({ status: 'fulfilled', value: await transact(deps, emit, (s) => one(s, member)) });
            } catch (reason) {
              settled.push({ status: 'rejected', reason });
            }
          }
          return settled;
        }
      });
    } finally {
      deps.afterWrite();
    }
  };
}

/** Runs `fn` in one transaction; its events go to `emit` only once it committed. */
async function transact<T>(
  { storage, feed, origin }: WriteDeps,
  emit: Emit,
  fn: (scope: WriteScope) => Promise<T>,
): Promise<T> {
  const events: UnsequencedEvent[] = [];
  const hold: Emit = (event) => events.push(event);
  try {
    const result = await storage.transaction(async (tx) => {
      const notices: ChangeNotice[] = [];
      const result = await fn({
        tx,
        emit(event) {
          hold(event);
          const notice = noticeOf(event, origin);
          if (notice) notices.push(notice);
        },
        async points(trialId, key, from, to, known) {
          await feed.extend(tx, hold, trialId, key, from, to, known);
          notices.push({ origin, kind: 'metrics', id: trialId, key, from, to });
        },
      });
      await tx.notifyChanges(notices.map((n) => JSON.stringify(n)));
      return result;
    });
    feed.commit();
    for (const event of events) emit(event);
    return result;
  } catch (err) {
    feed.discard();
    throw err;
  }
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
