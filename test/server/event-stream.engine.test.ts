// The live data layer on the real sync engine (memory storage, sync off): in-process and over SSE.
import { EventSource } from 'eventsource';
import { afterEach, describe, expect, it } from 'vitest';
import { connectEngine, connectSse, TrialStore } from '../../src/client/index.js';
import { createEventStream } from '../../src/server/index.js';
import { createMemoryStorage, createSyncEngine, type SyncEngine } from '../../src/sync/index.js';
import { until } from '../client/fixtures.js';
import { serve } from './helpers.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function seededEngine(): Promise<SyncEngine> {
  const engine = createSyncEngine({ storage: createMemoryStorage(), enabled: false });
  await engine.upsertStudy({ id: 's1', name: 'search', status: 'running', createdAt: 1 });
  await engine.upsertTrial({ id: 't1', studyId: 's1', number: 0, status: 'running', params: { lr: 0.01 } });
  await engine.appendMetrics('t1', 'loss', points(0, 50));
  return engine;
}

function points(from: number, to: number) {
  return Array.from({ length: to - from }, (_, i) => ({
    step: from + i,
    value: (from + i) / 10,
    timestamp: 1000 + i,
  }));
}

const steps = (store: TrialStore) => Array.from(store.getSeries('t1', 'loss')?.steps ?? []);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

// The memory storage starts an in-memory PGlite (WebAssembly) on first use: slow on a busy machine.
describe('the sync engine as a producer', { timeout: 240_000 }, () => {
  it('feeds a store in-process: snapshot, then live changes, with writes racing the snapshot', async () => {
    const engine = await seededEngine();
    const store = new TrialStore();
    const source = connectEngine(store, engine);
    cleanup.push(() => source.close());
    // Writes issued while the snapshot is being taken land once, in order.
    const writes = [
      engine.appendMetrics('t1', 'loss', points(50, 60)),
      engine.appendMetrics('t1', 'loss', points(60, 70)),
    ];
    await Promise.all(writes);
    await until(
      () => store.connection.state === 'open' && steps(store).length === 70,
      60_000,
      'the snapshot and both writes',
    );
    expect(steps(store)).toEqual(range(0, 70));
    expect(store.getTrial('t1')?.params).toEqual({ lr: 0.01 });
    await engine.upsertTrial({ id: 't2', studyId: 's1', number: 1, status: 'pending' });
    expect(
      store
        .trialsOf('s1')
        .map((t) => t.id)
        .sort(),
    ).toEqual(['t1', 't2']);
    expect(store.lastSeq).toBeGreaterThan(0);
  });

  it('streams over SSE to a store, resuming after a dropped connection', async () => {
    const engine = await seededEngine();
    const stream = createEventStream(engine);
    const server = await serve(stream);
    cleanup.push(
      () => server.stop(),
      () => stream.close(),
    );
    const store = new TrialStore();
    const source = connectSse(store, server.url, {
      EventSource,
      backoff: { initialMs: 20, maxMs: 100 },
    });
    cleanup.push(() => source.close());
    await until(() => steps(store).length === 50, 60_000, 'the snapshot');
    server.dropConnections();
    await engine.appendMetrics('t1', 'loss', points(50, 55));
    await engine.upsertTrial({
      id: 't1',
      studyId: 's1',
      number: 0,
      status: 'succeeded',
      params: { lr: 0.01 },
    });
    await until(() => store.getTrial('t1')?.status === 'succeeded', 60_000, 'the events missed while away');
    expect(steps(store)).toEqual(range(0, 55));
  });
});
