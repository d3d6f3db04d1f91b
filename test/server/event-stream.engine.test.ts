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

  it("sends a tab that resumes across a server restart a snapshot, not a replay that skips the new process's first events", async () => {
    const storage = createMemoryStorage();
    const first = createSyncEngine({ storage, enabled: false });
    await first.upsertStudy({ id: 's1', name: 'search', status: 'running', createdAt: 1 });
    await first.upsertTrial({ id: 't1', studyId: 's1', number: 0, status: 'running', params: { lr: 0.01 } });
    for (const from of [0, 10, 20]) await first.appendMetrics('t1', 'loss', points(from, from + 10));
    const firstStream = createEventStream(first);
    const firstServer = await serve(firstStream);
    const store = new TrialStore();
    const tab = connectSse(store, firstServer.url, { EventSource });
    await until(() => steps(store).length === 30, 60_000, 'the first process');
    tab.close();
    await firstServer.stop();
    firstStream.close();

    // The process restarts on the same store. Another tab's snapshot starts the new stream's
    // buffer, and the new process writes before the first tab is back.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = createSyncEngine({ storage, enabled: false });
    const secondStream = createEventStream(second);
    const secondServer = await serve(secondStream);
    cleanup.push(
      () => secondServer.stop(),
      () => secondStream.close(),
    );
    const other = new TrialStore();
    const otherTab = connectSse(other, secondServer.url, { EventSource });
    cleanup.push(() => otherTab.close());
    await until(() => steps(other).length === 30, 60_000, "the other tab's snapshot");
    for (const from of [30, 40, 50, 60, 70, 80])
      await second.appendMetrics('t1', 'loss', points(from, from + 10));

    // The first tab resumes from its last seq, which the old process gave.
    const resumed = connectSse(store, secondServer.url, { EventSource });
    cleanup.push(() => resumed.close());
    await until(() => steps(store).length >= 90, 60_000, 'every point after the restart');
    expect(steps(store)).toEqual(range(0, 90));
  });
});
