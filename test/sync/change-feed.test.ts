import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TrialEvent } from '../../src/protocol/index.js';
import { SeriesFeed } from '../../src/sync/change-feed.js';
import { EventHub } from '../../src/sync/event-hub.js';
import { createMemoryStorage, type Storage } from '../../src/sync/index.js';
import { points } from './storage/conformance.js';

let storage: Storage;
beforeAll(async () => {
  storage = createMemoryStorage();
  await storage.ready();
});
afterAll(() => storage.close());

it('keeps a series contiguous when local appends overtake notices of other processes', async () => {
  const hub = new EventHub();
  const feed = new SeriesFeed();
  const events: TrialEvent[] = [];
  hub.subscribe((e) => events.push(e));
  const extend = (from: number, to: number, known?: ReturnType<typeof points>) =>
    hub.write(async (emit) => {
      await feed.extend(storage, emit, 't', 'loss', from, to, known);
      feed.commit();
    });

  await storage.appendPoints('t', 'loss', points(10));
  await extend(0, 10); // another process's append, relayed
  await storage.appendPoints('t', 'loss', points(10, 10)); // another process again; its notice is late
  const own = points(5, 20);
  await storage.appendPoints('t', 'loss', own);
  await extend(20, 25, own); // ours: emits the late points first, then our own
  await extend(10, 20); // the late notice: already told
  const steps = events.flatMap((e) => (e.type === 'metrics.append' ? e.batches[0].steps : []));
  expect(steps).toEqual(Array.from({ length: 25 }, (_, i) => i));
  expect(feed.snapshotLength('t', 'loss', 25)).toBe(25);
});

it('forgets the advance of a write that rolled back', async () => {
  const hub = new EventHub();
  const feed = new SeriesFeed();
  await hub.write(async (emit) => {
    await feed.extend(storage, emit, 'u', 'acc', 0, 5, points(5));
    feed.discard();
  });
  expect(feed.snapshotLength('u', 'acc', 0)).toBe(0);
});
