// A raw read fetches whole chunks into the chunk cache only while they fit in its share of it: a
// zoom over many trials slices out just its points instead of moving every chunk it touches (most of
// which it would evict again itself), and a narrow one still caches them for the next zoom or pan.
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

  it('fetches whole chunks for a zoom they fit, and the next zoom nearby reads none', async () => {
    const store = storeWith(64 * 1024 * 1024);
    chunkPointsRead = 0;
    const window = await store.getSeriesWindow(zoom);
    expect(chunkPointsRead).toBe(TRIALS * 2 * CHUNK_POINTS);
    for (const part of window.series) expect(part.values).toEqual(exact.values);
    chunkPointsRead = 0;
    const panned = await store.getSeriesWindow({ ...zoom, from: CHUNK_POINTS - 600, to: CHUNK_POINTS + 399 });
    expect(chunkPointsRead).toBe(0);
    expect(panned.series.every((part) => part.steps.length === 1000)).toBe(true);
  });
});
