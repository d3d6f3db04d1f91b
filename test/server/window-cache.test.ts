// The window cache on a real producer (the sync engine, memory storage): its windows equal the storage's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeriesWindowQuery } from '../../src/protocol/index.js';
import { createWindowCache } from '../../src/server/index.js';
import { createMemoryStorage, createSyncEngine, type SyncEngine } from '../../src/sync/index.js';

let engine: SyncEngine;
const points = (from: number, to: number, trial: number) =>
  Array.from({ length: to - from }, (_, i) => {
    const step = from + i;
    const value =
      step % 97 === 13
        ? Number.NaN
        : step === 250 + trial
          ? Number.POSITIVE_INFINITY
          : Math.cos(step * (trial + 1));
    return { step, value, timestamp: 5000 + step * 10 + trial };
  });

// The memory storage starts an in-memory PGlite (WebAssembly) on first use: slow on a busy machine.
beforeAll(async () => {
  engine = createSyncEngine({ storage: createMemoryStorage(), enabled: false });
  await engine.upsertStudy({ id: 's1', name: 'search', status: 'running', createdAt: 1 });
  for (let t = 0; t < 3; t++) {
    await engine.upsertTrial({
      id: `t${t}`,
      studyId: 's1',
      number: t,
      status: 'running',
      startedAt: 4000 + t,
    });
    await engine.appendMetrics(`t${t}`, 'loss', points(0, 400, t));
  }
}, 240_000);
afterAll(() => engine?.stop());

const queries: SeriesWindowQuery[] = [
  { studyId: 's1', key: 'loss', x: 'step', columns: 37 },
  { studyId: 's1', key: 'loss', x: 'step', from: 33.5, to: 260.2, columns: 50, trialIds: ['t2', 't0'] },
  { studyId: 's1', key: 'loss', x: 'time', columns: 11 },
  { studyId: 's1', key: 'loss', x: 'relative', from: 100, to: 3000, columns: 400 },
];

describe('window cache', { timeout: 120_000 }, () => {
  it('answers every window as storage does, also after live appends and under a tiny budget', async () => {
    const cache = createWindowCache(engine);
    const tiny = createWindowCache(engine, { maxBytes: 24 * 500 });
    try {
      for (const q of queries) expect(await cache.seriesWindow(q)).toEqual(await engine.getSeriesWindow(q));
      await engine.appendMetrics('t1', 'loss', points(400, 450, 1));
      // Events are delivered synchronously once the write resolved.
      expect((await cache.seriesWindow(queries[0])).to).toBe(449);
      for (const q of queries) {
        const expected = await engine.getSeriesWindow(q);
        expect(await cache.seriesWindow(q)).toEqual(expected);
        expect(await tiny.seriesWindow(q)).toEqual(expected);
        expect(tiny.heldBytes).toBeLessThanOrEqual(24 * 500);
      }
    } finally {
      cache.close();
      tiny.close();
    }
  });

  it('counts relative time as storage does for a trial without a start, logged out of step order', async () => {
    await engine.upsertTrial({ id: 't9', studyId: 's1', number: 9, status: 'running' });
    await engine.appendMetrics('t9', 'loss', [
      { step: 50, value: 5, timestamp: 150_000 },
      { step: 10, value: 1, timestamp: 110_000 },
      { step: 0, value: 0, timestamp: 100_000 },
      { step: 60, value: 6, timestamp: 160_000 },
    ]);
    const cache = createWindowCache(engine);
    try {
      const q: SeriesWindowQuery = {
        studyId: 's1',
        key: 'loss',
        x: 'relative',
        columns: 20,
        trialIds: ['t9'],
      };
      const window = await cache.seriesWindow(q);
      expect([window.from, window.to]).toEqual([0, 60_000]);
      expect(window).toEqual(await engine.getSeriesWindow(q));
    } finally {
      cache.close();
    }
  });

  it('gives summary snapshots equal to the engine, and typed errors', async () => {
    const cache = createWindowCache(engine);
    try {
      const snapshot = await cache.snapshot({ points: false });
      expect(snapshot.metrics).toEqual([]);
      expect(snapshot.summaries).toEqual(await engine.getSeriesSummaries('s1'));
      await expect(cache.seriesWindow({ ...queries[0], studyId: 'nope' })).rejects.toMatchObject({
        field: 'studyId',
        unknown: true,
      });
      await expect(cache.seriesWindow({ ...queries[0], key: 'nope' })).rejects.toMatchObject({
        field: 'key',
      });
      await expect(cache.seriesWindow({ ...queries[0], trialIds: ['t0', 'x'] })).rejects.toMatchObject({
        field: 'trialIds.1',
      });
      await expect(cache.seriesWindow({ ...queries[0], columns: 0 })).rejects.toMatchObject({
        field: 'columns',
        unknown: false,
      });
    } finally {
      cache.close();
    }
  });
});
