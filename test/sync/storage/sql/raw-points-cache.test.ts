// A raw read slices just its points out of the chunks, and keeps them in the chunk cache while they
// fit in its share of it: a zoom over many trials would evict its own points again. A pan or zoom
// next to points held reads only the ones it lacks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { m4Columns, type SeriesWindowQuery } from '../../../../src/protocol/index.js';
import type { Storage } from '../../../../src/sync/index.js';
import { openPglite } from '../../../../src/sync/storage/pglite.js';
import { CHUNK_POINTS } from '../../../../src/sync/storage/schema.js';
import { createSqlStorage, type Queryable } from '../../../../src/sync/storage/sql/storage.js';
import { points, study, trial } from '../conformance.js';

const TRIALS = 20;
const POINTS = 3 * CHUNK_POINTS;

/** Points read from the chunks since the last reset (8 bytes of step each). */
let chunkPointsRead = 0;

function counting(q: Queryable): Queryable {
  return {
    async query(text, params) {
      const result = await q.query(text, params);
      if (text.trimStart().startsWith('SELECT') && text.includes('metric_chunk'))
        for (const row of result.rows as { steps?: Uint8Array }[])
          chunkPointsRead += (row.steps?.byteLength ?? 0) / 8;
      return result as never;
    },
  };
}

describe('raw reads and the chunk cache', () => {
  const s = study();
  const series = points(POINTS);
  const opened = openPglite();
  const driver = opened.then((d) => ({
    ...d,
    ...counting(d),
    transaction: <T>(fn: (q: Queryable) => Promise<T>) => d.transaction((q) => fn(counting(q))),
    close: async () => {}, // closed once, after every store on it
  }));
  /** A store on the one database; its chunk cache holds only what it reads (the points were written by another). */
  const stores: Storage[] = [];
  const storeWith = (chunkCacheBytes: number) => {
    const store = createSqlStorage('memory', () => driver, { chunkCacheBytes, summaryCacheBytes: 0 });
    stores.push(store);
    return store;
  };
  beforeAll(async () => {
    const writer = storeWith(0);
    await writer.upsertStudy(s);
    for (let i = 0; i < TRIALS; i++) {
      const t = trial(s.id, i);
      await writer.upsertTrial(t);
      await writer.appendPoints(t.id, 'loss', series);
    }
  }, 60_000);
  afterAll(async () => {
    for (const store of stores) await store.close();
    await (await opened).close();
  });

  // 1,000 steps in 1,000 columns, across the first chunk's end: raw, two chunk pieces per trial.
  const zoom: SeriesWindowQuery = {
    studyId: s.id,
    key: 'loss',
    x: 'step',
    from: CHUNK_POINTS - 500,
    to: CHUNK_POINTS + 499,
    columns: 1000,
  };
  const exact = m4Columns(series, 'step', zoom.from as number, zoom.to as number, zoom.columns);

  it('slices a zoom whose whole chunks would fill more than half the cache', async () => {
    // Two whole chunks per trial: 40 chunks, ~3.9 MB, against a 4 MB cache.
    const store = storeWith(4 * 1024 * 1024);
    chunkPointsRead = 0;
    const window = await store.getSeriesWindow(zoom);
    // The zoom's points and the rest of the buckets that locate them: at most a quarter more.
    expect(chunkPointsRead).toBeGreaterThanOrEqual(TRIALS * 1000);
    expect(chunkPointsRead).toBeLessThanOrEqual(TRIALS * 1250);
    for (const part of window.series) expect(part.steps).toEqual(exact.steps);
  });

  it('keeps a zoom it fits, and a pan then reads only the points it lacks', async () => {
    const store = storeWith(64 * 1024 * 1024);
    chunkPointsRead = 0;
    const window = await store.getSeriesWindow(zoom);
    // The zoom's points in whole 16-step buckets, not the chunks they are in.
    expect(chunkPointsRead).toBe(TRIALS * 1024);
    for (const part of window.series) expect(part.values).toEqual(exact.values);
    chunkPointsRead = 0;
    const again = await store.getSeriesWindow({ ...zoom, from: CHUNK_POINTS - 400, to: CHUNK_POINTS + 399 });
    expect(chunkPointsRead).toBe(0);
    expect(again.series.every((part) => part.steps.length === 800)).toBe(true);
    chunkPointsRead = 0;
    const pan = { ...zoom, from: CHUNK_POINTS - 700, to: CHUNK_POINTS + 299 };
    const panned = await store.getSeriesWindow(pan);
    // Held from 512 before the chunk's end (whole buckets): the 192 steps before those.
    expect(chunkPointsRead).toBe(TRIALS * 192);
    const exactPan = m4Columns(series, 'step', pan.from, pan.to, pan.columns);
    for (const part of panned.series) {
      expect(part.steps).toEqual(exactPan.steps);
      expect(part.timestamps).toEqual(exactPan.timestamps);
    }
  });

  it('reads both sides of a range held inside a chunk and joins them to it', async () => {
    const store = storeWith(64 * 1024 * 1024);
    const middle = { ...zoom, from: 1000, to: 1999 };
    await store.getSeriesWindow(middle);
    chunkPointsRead = 0;
    const wider = { ...zoom, from: 600, to: 2399 };
    const window = await store.getSeriesWindow(wider);
    // About 1,000 steps are held (whole buckets): only the ~800 around them are read.
    expect(chunkPointsRead).toBeGreaterThan(TRIALS * 600);
    expect(chunkPointsRead).toBeLessThanOrEqual(TRIALS * 800);
    const exactWider = m4Columns(series, 'step', wider.from, wider.to, wider.columns);
    for (const part of window.series) {
      expect(part.steps).toEqual(exactWider.steps);
      expect(part.values).toEqual(exactWider.values);
    }
    chunkPointsRead = 0;
    await store.getSeriesWindow({ ...zoom, from: 700, to: 2299 });
    expect(chunkPointsRead).toBe(0);
  });
});
