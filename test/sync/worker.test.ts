// Exactly-once effect in MLflow while the fault proxy drops, fails, resets and stalls requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStorage, createSyncEngine, type Storage } from '../../src/sync/index.js';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { curve, expectRunMatchesTrial, mlflowClient } from './helpers.js';
import { study, uid } from './storage/conformance.js';

let storage: Storage;
let proxy: FaultProxy;
beforeAll(async () => {
  storage = createMemoryStorage();
  proxy = await startFaultProxy(mlflowClient().trackingUri);
  await storage.ready();
});
afterAll(async () => {
  await proxy.close();
  await storage.close();
});

describe('exactly-once effect under faults', () => {
  it('leaves each run exact when creates and batches are answered with errors, resets, stalls or lost answers', async () => {
    const mlflow = mlflowClient({
      trackingUri: proxy.uri,
      timeoutMs: 8000,
      retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 50 },
    });
    const engine = createSyncEngine({
      storage,
      mlflow,
      pollIntervalMs: 50,
      concurrency: 2,
      retry: { maxAttempts: 30, baseDelayMs: 20, maxDelayMs: 200 },
    });
    // The create took effect but its answer was lost: a blind retry would make a second run.
    proxy.inject({ kind: 'drop-response' }, { times: 2, match: '/runs/create' });
    proxy.inject({ kind: 'drop-response' }, { times: 4, match: '/runs/log-batch' });
    proxy.inject({ kind: 'status', status: 500 }, { times: 3, match: '/runs/log-batch' });
    proxy.inject({ kind: 'status', status: 429, retryAfter: 0 }, { times: 2, match: '/runs/create' });
    proxy.inject({ kind: 'reset' }, { times: 3, match: '/runs/search' });
    proxy.inject({ kind: 'stall' }, { times: 1, match: '/runs/log-batch' });
    proxy.inject({ kind: 'drop-response' }, { times: 2, match: '/runs/update' });

    const s = await engine.upsertStudy(study(uid('study'), { name: uid('faults') }));
    const ids: string[] = [];
    for (let n = 0; n < 3; n++) {
      const t = await engine.upsertTrial({
        id: uid('trial'),
        studyId: s.id,
        number: n,
        status: 'succeeded',
        endedAt: 1_750_000_900_000,
        params: { lr: 0.001 * (n + 1), arch: 'resnet' },
        tags: { fault_test: 'yes' },
        notes: `trial ${n}`,
      });
      await engine.appendMetrics(t.id, 'loss', curve(1500, 0, n + 1));
      await engine.appendMetrics(t.id, 'acc', curve(400, 0, n + 2));
      ids.push(t.id);
    }
    try {
      await engine.drain();
    } finally {
      await engine.stop();
    }

    const outcomes = new Set(proxy.requests.map((r) => r.outcome));
    for (const kind of ['drop-response', 'status', 'reset', 'stall', 'forwarded'])
      expect(outcomes).toContain(kind);
    const direct = mlflowClient();
    for (const id of ids) await expectRunMatchesTrial(storage, direct, id);
    expect((await engine.listJobs('dead')).length).toBe(0);
    for (const id of ids) expect(await engine.getSyncState(id)).toMatchObject({ state: 'synced' });
  }, 150_000);
});
