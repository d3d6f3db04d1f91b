/**
 * What `POST /events` does with a producer's events when a sync engine stores them: the demo's
 * ingest, and any host app's that serves an engine.
 */
import { EventBatchError, type SyncEngine } from '../sync/index.js';
import { IngestInputError, type PostedEvent } from './ingest-handler.js';

/**
 * An `ingest` for `startDashboardServer` that writes posted events through `engine` in one
 * transaction, so they are stored, streamed and synced like the engine's own, and a refused batch
 * leaves nothing behind. Input the engine refuses is answered 400 naming the event and field.
 */
export function engineIngest(engine: SyncEngine): (events: PostedEvent[]) => Promise<void> {
  return async (events) => {
    try {
      await engine.applyEvents(events);
    } catch (err) {
      if (err instanceof EventBatchError) {
        const field = err.path ? ` (${err.path})` : '';
        throw new IngestInputError(`${err.message}${field}`, err.index);
      }
      throw err;
    }
  };
}
