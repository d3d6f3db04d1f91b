// Presence from the tab's side: two stores fed by SSE from one real dashboard server announce
// themselves, see each other, follow study changes, and know when a source cannot share presence.
import { EventSource } from 'eventsource';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, connectSse, TrialStore } from '../../../src/client/index.js';
import { createEventStream, createPresenceHandler, startDashboardServer } from '../../../src/server/index.js';
import { study, TestProducer, trial, until } from '../fixtures.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function setup({ presenceRoute = true } = {}) {
  const producer = new TestProducer();
  producer.upsertStudy(study('s1'));
  producer.upsertStudy(study('s2'));
  producer.upsertTrial(trial('t1', 's1'));
  const stream = createEventStream(producer);
  const server = await startDashboardServer({
    page: { title: 'presence', attributes: { src: '/events' } },
    bundle: '',
    events: stream,
    presence: presenceRoute && stream.presence ? createPresenceHandler(stream.presence) : undefined,
  });
  cleanup.push(
    () => server.close(),
    () => stream.close(),
  );
  return { url: `${server.url}/events`, producer, server };
}

function tab(url: string, name: string | undefined, studyId = 's1', intervalMs = 100) {
  const store = new TrialStore({ schedule: (notify) => setTimeout(notify, 0) });
  store.presence.announce({ studyId, name });
  const handle = connectSse(store, url, {
    EventSource,
    presence: { intervalMs },
    backoff: { initialMs: 20, maxMs: 100 },
  });
  cleanup.push(() => handle.close());
  return { store, handle };
}

const names = (store: TrialStore, studyId: string) =>
  store.presence.of(studyId)?.viewers.map((v) => v.name) ?? [];

describe('presence through connectSse', () => {
  it('lets two tabs on one server see each other, each knowing its own id', async () => {
    const { url } = await setup();
    const ada = tab(url, 'Ada');
    const bob = tab(url, 'Bob');
    await until(
      () => names(ada.store, 's1').length === 2 && names(bob.store, 's1').length === 2,
      2000,
      'both seen',
    );
    expect(ada.store.presence.status).toEqual({ state: 'live' });
    expect(ada.store.presence.of('s1')?.viewers.map((v) => v.id)).toContain(ada.store.presence.id);
  });

  it('moves a tab to the study it now shows, by heartbeat, without reopening its stream', async () => {
    const { url } = await setup();
    const ada = tab(url, 'Ada');
    const bob = tab(url, 'Bob');
    await until(() => names(bob.store, 's1').includes('Ada'), 2000, 'Ada on s1');
    const seq = ada.store.lastSeq;
    ada.store.presence.announce({ studyId: 's2', name: 'Ada' });
    await until(
      () => names(bob.store, 's2').includes('Ada') && !names(bob.store, 's1').includes('Ada'),
      2000,
      'Ada on s2',
    );
    expect(ada.store.lastSeq).toBe(seq);
  });

  it('keeps an announcement made while its stream was reconnecting, without waiting for the next heartbeat', async () => {
    const { url, server } = await setup();
    const ada = tab(url, 'Ada', 's1', 60_000);
    const bob = tab(url, 'Bob', 's1', 60_000);
    await until(() => names(bob.store, 's1').includes('Ada'), 2000, 'Ada on s1');
    server.server.closeAllConnections();
    ada.store.presence.announce({ studyId: 's2', name: 'Ada' });
    await until(() => names(bob.store, 's2').includes('Ada'), 3000, 'Ada on s2 after the reconnection');
  });

  it('drops a tab whose source closed', async () => {
    const { url } = await setup();
    const ada = tab(url, 'Ada');
    const bob = tab(url, 'Bob');
    await until(() => names(ada.store, 's1').length === 2, 2000, 'both seen');
    bob.handle.close();
    await until(() => names(ada.store, 's1').join() === 'Ada', 2000, 'Bob gone');
  });

  it('does not let presence events disturb the data stream', async () => {
    const { url, producer } = await setup();
    const ada = tab(url, 'Ada');
    tab(url, 'Bob');
    await until(() => names(ada.store, 's1').length === 2, 2000, 'both seen');
    producer.upsertTrial(trial('t2', 's1'));
    await until(() => ada.store.getTrial('t2') !== undefined, 2000, 't2 arrives');
  });

  it('says presence is unavailable, with the reason, when the server has no presence route', async () => {
    const { url } = await setup({ presenceRoute: false });
    const ada = tab(url, 'Ada');
    await until(() => ada.store.presence.status.state === 'unavailable', 2000, 'unavailable');
    expect(ada.store.presence.status).toMatchObject({ reason: expect.stringContaining('presence endpoint') });
    expect(ada.store.presence.of('s1')).toBeUndefined();
  });

  it('counts only this tab for an in-process source, and nobody for MLflow polling', async () => {
    const producer = new TestProducer();
    producer.upsertStudy(study('s1'));
    const local = await connect({ source: producer });
    cleanup.push(() => local.handle.close());
    local.store.presence.announce({ studyId: 's1', name: 'Ada' });
    expect(local.store.presence.status.state).toBe('local');
    expect(local.store.presence.of('s1')?.viewers.map((v) => v.name)).toEqual(['Ada']);

    const polled = await connect({ mlflow: 'http://127.0.0.1:9', experiment: 'x', pollIntervalMs: 60_000 });
    cleanup.push(() => polled.handle.close());
    expect(polled.store.presence.status).toMatchObject({
      state: 'unavailable',
      reason: expect.stringContaining('polls MLflow'),
    });
  });

  it('cuts a long name and drops a colour that is not #rrggbb before announcing', () => {
    const store = new TrialStore();
    store.presence.announce({ studyId: 's1', name: `  ${'x'.repeat(100)}  `, color: 'red' });
    expect(store.presence.self).toEqual({ studyId: 's1', name: 'x'.repeat(64), color: undefined });
  });
});
