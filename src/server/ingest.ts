/**
 * What `POST /events` does with a producer's events when a sync engine stores them: the demo's
 * ingest, and any host app's that serves an engine.
 */
import type { SyncEngine } from '../sync/index.js';
import type { PostedEvent } from './app.js';

/**
 * An `ingest` for `startDashboardServer` that writes posted events through `engine`, so they are
 * stored, streamed and synced like the engine's own.
 */
export function engineIngest(engine: SyncEngine): (events: PostedEvent[]) => Promise<void> {
  return async (events) => {
    // The one place a posted batch is applied. Event by event until the engine applies a batch in
    // one transaction; then this becomes that single call, and a failed batch leaves nothing behind.
    for (const event of events) await applyOne(engine, event);
  };
}

async function applyOne(engine: SyncEngine, event: PostedEvent): Promise<void> {
  switch (event.type) {
    case 'study.upsert':
      await engine.upsertStudy(event.study);
      return;
    case 'trial.upsert':
      await engine.upsertTrial(event.trial);
      return;
    case 'metrics.append':
      for (const b of event.batches) {
        const points = b.steps.map((step, i) => ({ step, value: b.values[i], timestamp: b.timestamps[i] }));
        await engine.appendMetrics(b.trialId, b.key, points);
      }
  }
}
