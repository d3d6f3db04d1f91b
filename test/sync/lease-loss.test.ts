// A worker whose lease renewal fails stops, so a stalled worker and the one that took its job over
// never make two MLflow runs for one trial.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MlflowClient } from '../../src/mlflow/index.js';
import { createMemoryStorage, createSyncEngine, type Storage, TRIAL_ID_TAG } from '../../src/sync/index.js';
import { mlflowClient } from './helpers.js';
import { study, uid } from './storage/conformance.js';

let storage: Storage;
beforeAll(async () => {
  storage = createMemoryStorage();
  await storage.ready();
});
afterAll(() => storage.close());

/**
 * The store as a worker sees it when its database becomes unreachable for lease renewals once
 * `from` resolves; `failed` resolves at the first renewal refused after that.
 */
function withFailingRenewals(inner: Storage, from: Promise<void>) {
  let down = false;
  void from.then(() => {
    down = true;
  });
  let refused!: () => void;
  const failed = new Promise<void>((resolve) => {
    refused = resolve;
  });
  const storage = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'renewLease')
        return (...args: Parameters<Storage['renewLease']>) => {
          if (!down) return target.renewLease(...args);
          refused();
          return Promise.reject(new Error('connection reset'));
        };
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { storage, failed };
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
    // The test waits on events, not on the clock: the stalled worker's renewals fail only once it
    // holds a stale search answer, and the other worker takes the job as soon as that lease runs
    // out. Its own lease is long, so a slow machine cannot make it lose the job in turn.
    const stalled = withStalledSearch(mlflowClient());
    const cut = withFailingRenewals(storage, stalled.searching);
    const first = createSyncEngine({
      storage: cut.storage,
      mlflow: stalled.client,
      leaseMs: 3000,
      pollIntervalMs: 50,
      concurrency: 1,
    });
    const second = createSyncEngine({
      storage,
      mlflow: mlflowClient(),
      leaseMs: 600_000,
      pollIntervalMs: 50,
    });

    const s = await first.upsertStudy(study(uid('study'), { name: uid('lease-loss') }));
    const t = await first.upsertTrial({ id: uid('trial'), studyId: s.id, number: 0, status: 'running' });
    first.start();
    await stalled.searching;
    await cut.failed;
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
  }, 180_000);
});
