// A worker whose lease renewal fails stops, so a stalled worker and the one that took its job over
// never make two MLflow runs for one trial.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MlflowClient } from '../../src/mlflow/index.js';
import { createMemoryStorage, createSyncEngine, type Storage, TRIAL_ID_TAG } from '../../src/sync/index.js';
import { mlflowClient, sleep } from './helpers.js';
import { study, uid } from './storage/conformance.js';

let storage: Storage;
beforeAll(async () => {
  storage = createMemoryStorage();
  await storage.ready();
});
afterAll(() => storage.close());

/** The store as a worker sees it while its database is unreachable for lease renewals. */
function withFailingRenewals(inner: Storage): Storage {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'renewLease') return () => Promise.reject(new Error('connection reset'));
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** A client whose run searches answer only once `release` is called: the worker stalls with a stale answer. */
function withStalledSearch(inner: MlflowClient) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let searched!: () => void;
  const searching = new Promise<void>((resolve) => {
    searched = resolve;
  });
  const client = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'searchRuns')
        return async (...args: Parameters<MlflowClient['searchRuns']>) => {
          const page = await target.searchRuns(...args);
          searched();
          await gate;
          return page;
        };
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { client, release, searching };
}

describe('lease loss', () => {
  it('makes one MLflow run when a stalled worker loses its lease and another takes the job', async () => {
    // Long enough that a busy machine does not stall the second worker past its own lease too.
    const leaseMs = 1500;
    const stalled = withStalledSearch(mlflowClient());
    const first = createSyncEngine({
      storage: withFailingRenewals(storage),
      mlflow: stalled.client,
      leaseMs,
      pollIntervalMs: 50,
      concurrency: 1,
    });
    const second = createSyncEngine({ storage, mlflow: mlflowClient(), leaseMs, pollIntervalMs: 50 });

    const s = await first.upsertStudy(study(uid('study'), { name: uid('lease-loss') }));
    const t = await first.upsertTrial({ id: uid('trial'), studyId: s.id, number: 0, status: 'running' });
    first.start();
    await stalled.searching;
    await sleep(leaseMs * 2);
    await second.drain();
    stalled.release();
    await first.stop();

    const linked = await second.getTrial(t.id);
    const experimentId = linked?.mlflow?.experimentId as string;
    const { runs } = await mlflowClient().searchRuns({
      experimentIds: [experimentId],
      filter: `tags.\`${TRIAL_ID_TAG}\` = '${t.id}'`,
    });
    expect(runs.map((r) => r.info.runId)).toEqual([linked?.mlflow?.runId]);
    expect(await second.getSyncState(t.id)).toMatchObject({ state: 'synced' });
    expect(await second.listJobs()).toEqual([]);
  }, 60_000);
});
