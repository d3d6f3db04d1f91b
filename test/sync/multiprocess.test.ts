import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, inject, it, vi } from 'vitest';
import type { TrialEvent } from '../../src/protocol/index.js';
import { createSyncEngine, type Storage } from '../../src/sync/index.js';
import { createPgliteStorage } from '../../src/sync/storage/pglite.js';
import { createPostgresStorage } from '../../src/sync/storage/postgres.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { curve, expectRunMatchesTrial, mlflowClient, sleep } from './helpers.js';
import { spawnWorker } from './processes.js';
import { study, uid } from './storage/conformance.js';
import type { WorkerConfig } from './worker-process.js';

/** Records `trials` trials with `keys` series of `points` points each; autoSync queues their pushes. */
async function recordTrials(
  storage: Storage,
  trials: number,
  keys: number,
  points: number,
): Promise<string[]> {
  const engine = createSyncEngine({ storage, mlflow: mlflowClient() });
  const s = await engine.upsertStudy(study(uid('study'), { name: uid('multiprocess') }));
  const ids: string[] = [];
  for (let n = 0; n < trials; n++) {
    const t = await engine.upsertTrial({
      id: uid('trial'),
      studyId: s.id,
      number: n,
      status: n % 3 === 0 ? 'succeeded' : 'running',
      params: { lr: 0.1 / (n + 1), seed: n },
      tags: { worker_test: 'yes' },
      ...(n % 3 === 0 && { endedAt: 1_750_000_500_000 }),
    });
    for (let k = 0; k < keys; k++)
      await engine.appendMetrics(t.id, `metric_${k}`, curve(points, 0, n + k + 1));
    ids.push(t.id);
  }
  return ids;
}

async function withPostgresSchema<T>(fn: (schema: string) => Promise<T>): Promise<T> {
  const schema = uid('mp').replaceAll('-', '_');
  try {
    return await fn(schema);
  } finally {
    const client = new pg.Client({ connectionString: inject('pgUrl') });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
}

/** Kills a worker mid-sync (after runs were created and some batches sent), restarts it, and checks MLflow. */
async function killAndRestart(openStore: () => Storage, store: WorkerConfig['store']) {
  const setup = openStore();
  const trialIds = await recordTrials(setup, 4, 2, 1500);
  await setup.close();

  const proxy = await startFaultProxy(inject('mlflowUri'));
  try {
    // Slow MLflow down so the kill lands while runs are being created and batches are in flight.
    proxy.inject({ kind: 'delay', ms: 150 }, { times: Number.POSITIVE_INFINITY });
    const first = spawnWorker({ store, mlflowUri: proxy.uri, leaseMs: 1500 });
    const deadline = Date.now() + 60_000;
    while (proxy.delivered('/runs/log-batch').length < 3 && Date.now() < deadline) await sleep(20);
    expect(proxy.delivered('/runs/create').length).toBeGreaterThan(0);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    expect(first.output()).not.toContain('"done"');

    proxy.clear();
    const second = spawnWorker({ store, mlflowUri: proxy.uri, leaseMs: 1500 });
    expect(await second.exited, second.output()).toBe(0);
  } finally {
    await proxy.close();
  }
  const check = openStore();
  try {
    const mlflow = mlflowClient();
    for (const id of trialIds) await expectRunMatchesTrial(check, mlflow, id);
    expect(await check.countPendingJobs()).toBe(0);
    expect(await check.listJobs('dead')).toEqual([]);
  } finally {
    await check.close();
  }
}

describe('worker processes', () => {
  it('a worker SIGKILLed mid-sync and restarted on the same PGlite directory leaves every run exact', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'trialkit-kill-'));
    try {
      await killAndRestart(() => createPgliteStorage({ dataDir }), { kind: 'pglite', dataDir });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);

  it('a worker SIGKILLed mid-sync and restarted on PostgreSQL leaves every run exact', async () => {
    await withPostgresSchema(async (schema) => {
      const connectionString = inject('pgUrl');
      await killAndRestart(() => createPostgresStorage({ connectionString, schema }), {
        kind: 'postgres',
        connectionString,
        schema,
      });
    });
  }, 180_000);

  it('three worker processes share one PostgreSQL database: each trial synced once, exactly', async () => {
    await withPostgresSchema(async (schema) => {
      const connectionString = inject('pgUrl');
      const setup = createPostgresStorage({ connectionString, schema });
      const trialIds = await recordTrials(setup, 9, 2, 1000);
      await setup.close();

      const store = { kind: 'postgres' as const, connectionString, schema };
      const workers = [0, 1, 2].map(() =>
        spawnWorker({ store, mlflowUri: inject('mlflowUri'), leaseMs: 10_000 }),
      );
      for (const w of workers) expect(await w.exited, w.output()).toBe(0);
      const synced = workers.flatMap((w) => w.synced);
      expect([...new Set(synced)].sort()).toEqual([...trialIds].sort());

      const check = createPostgresStorage({ connectionString, schema });
      try {
        const mlflow = mlflowClient();
        for (const id of trialIds) await expectRunMatchesTrial(check, mlflow, id);
        expect(await check.countPendingJobs()).toBe(0);
      } finally {
        await check.close();
      }
    });
  }, 180_000);
});

describe('events across processes', () => {
  it('fans events out to engines on other connections to one PostgreSQL (LISTEN/NOTIFY), each series exactly once', async () => {
    await withPostgresSchema(async (schema) => {
      const connectionString = inject('pgUrl');
      const a = createPostgresStorage({ connectionString, schema });
      const b = createPostgresStorage({ connectionString, schema });
      try {
        const writer = createSyncEngine({ storage: a, enabled: false });
        const reader = createSyncEngine({ storage: b, enabled: false });
        const events: TrialEvent[] = [];
        const unsubscribe = reader.subscribe((event) => events.push(event));
        const before = await reader.snapshot();
        const s = await writer.upsertStudy(study(uid('study')));
        const t = await writer.upsertTrial({ id: uid('trial'), studyId: s.id, number: 0, status: 'running' });
        for (let i = 0; i < 5; i++) await writer.appendMetrics(t.id, 'loss', curve(4, i * 4));
        await writer.setTrialNotes(t.id, 'seen elsewhere');

        const steps = () =>
          events.flatMap((e) => (e.type === 'metrics.append' ? e.batches.flatMap((b) => b.steps) : []));
        await vi.waitFor(() => expect(steps()).toEqual(Array.from({ length: 20 }, (_, i) => i)), {
          timeout: 10_000,
        });
        await vi.waitFor(() =>
          expect(events.some((e) => e.type === 'trial.upsert' && e.trial.notes === 'seen elsewhere')).toBe(
            true,
          ),
        );
        expect(events.map((e) => e.type)).toEqual(
          expect.arrayContaining(['study.upsert', 'trial.upsert', 'sync.state', 'metrics.append']),
        );
        expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => before.seq + i + 1));
        const after = await reader.snapshot();
        expect(after.seq).toBe(events.at(-1)?.seq);
        expect(after.metrics.find((m) => m.trialId === t.id)?.steps).toEqual(steps());
        unsubscribe();
      } finally {
        await a.close();
        await b.close();
      }
    });
  }, 60_000);

  it('catches up with what another engine changed while its LISTEN connection was lost', async () => {
    await withPostgresSchema(async (schema) => {
      const named = new URL(inject('pgUrl'));
      const name = uid('tk-gap');
      named.searchParams.set('application_name', name);
      const a = createPostgresStorage({ connectionString: inject('pgUrl'), schema });
      const b = createPostgresStorage({ connectionString: named.href, schema });
      const admin = new pg.Client({ connectionString: inject('pgUrl') });
      await admin.connect();
      try {
        const writer = createSyncEngine({ storage: a, enabled: false });
        const reader = createSyncEngine({ storage: b, enabled: false });
        const s = await writer.upsertStudy(study(uid('study')));
        const known = await writer.upsertTrial({
          id: uid('trial'),
          studyId: s.id,
          number: 0,
          status: 'running',
        });
        await writer.appendMetrics(known.id, 'loss', curve(4, 0));
        const events: TrialEvent[] = [];
        const unsubscribe = reader.subscribe((event) => events.push(event));
        await reader.snapshot();
        // The reader's connections are cut (its LISTEN among them); the writer goes on meanwhile.
        await admin.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
          [name],
        );
        await writer.appendMetrics(known.id, 'loss', curve(4, 4));
        await writer.setTrialNotes(known.id, 'written in the gap');
        const born = await writer.upsertTrial({
          id: uid('trial'),
          studyId: s.id,
          number: 1,
          status: 'running',
        });
        await writer.appendMetrics(born.id, 'loss', curve(3, 0));

        const stepsOf = (trialId: string) =>
          events.flatMap((e) =>
            e.type === 'metrics.append'
              ? e.batches.filter((b) => b.trialId === trialId).flatMap((b) => b.steps)
              : [],
          );
        await vi.waitFor(
          () => {
            expect(stepsOf(known.id)).toEqual([4, 5, 6, 7]);
            expect(stepsOf(born.id)).toEqual([0, 1, 2]);
            expect(
              events.some((e) => e.type === 'trial.upsert' && e.trial.notes === 'written in the gap'),
            ).toBe(true);
          },
          { timeout: 15_000 },
        );
        const after = await reader.snapshot();
        expect(after.metrics.find((m) => m.trialId === known.id)?.steps).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
        unsubscribe();
      } finally {
        await admin.end();
        await a.close();
        await b.close();
      }
    });
  }, 60_000);
});
