// Chunks and summary rows this process writes are kept for windows once their transaction commits:
// the first window after an ingest reads nothing back from the database (neither summaries nor, where
// a window is answered from raw points, chunks), stays exact as appends go on, and a rolled-back
// append leaves nothing behind in the caches.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { m4Columns, type SeriesWindowQuery } from '../../../../src/protocol/index.js';
import type { Storage } from '../../../../src/sync/index.js';
import { openPglite } from '../../../../src/sync/storage/pglite.js';
import { createSqlStorage, type Queryable } from '../../../../src/sync/storage/sql/storage.js';
import { points, study, trial } from '../conformance.js';

/** Bucket rows and chunk pieces read back since the last reset (not the series headers). */
let rowsRead = 0;
function counting(q: Queryable): Queryable {
  return {
    async query(text, params) {
      const result = await q.query(text, params);
      const read =
        text.includes('s.buckets FROM series_summary') || /^\s*SELECT[\s\S]*metric_chunk/.test(text);
      if (read) rowsRead += result.rows.length;
      return result as never;
    },
  };
}

describe('summary rows written by this process', () => {
  let store: Storage;
  const s = study();
  const trials = [trial(s.id, 0), trial(s.id, 1), trial(s.id, 2)];
  const query = (): SeriesWindowQuery => ({
    studyId: s.id,
    key: 'loss',
    x: 'step',
    from: 0,
    to: 6399,
    columns: 100,
  });
  /** The window, checked against M4 over the raw points; returns what its read took from the database. */
  const exact = async () => {
    rowsRead = 0;
    const window = await store.getSeriesWindow(query());
    const read = rowsRead;
    for (const part of window.series) {
      const raw = await store.readSeries(part.trialId, 'loss');
      const expected = m4Columns(raw, 'step', window.from, window.to, 100);
      expect(part.steps).toEqual(expected.steps);
      expect(part.values).toEqual(expected.values);
    }
    return { window, read };
  };

  beforeAll(async () => {
    store = createSqlStorage('memory', async () => {
      const driver = await openPglite();
      return {
        ...driver,
        ...counting(driver),
        transaction: (fn) => driver.transaction((q) => fn(counting(q))),
      };
    });
    await store.upsertStudy(s);
    for (const t of trials) {
      await store.upsertTrial(t);
      await store.appendPoints(t.id, 'loss', points(3000));
    }
  });
  afterAll(() => store?.close());

  it('answers the first window after an ingest without reading them back', async () => {
    const { window, read } = await exact();
    expect(window.series).toHaveLength(3);
    expect(read).toBe(0);
  });

  it('stays exact as appends go on, in and out of transactions', async () => {
    await store.appendPoints(trials[0].id, 'loss', points(3000, 3000));
    await store.transaction(async (tx) => {
      await tx.appendPoints(trials[1].id, 'loss', points(2000, 3000));
      await tx.appendPoints(trials[1].id, 'loss', points(1000, 5000));
    });
    const { read } = await exact();
    expect(read, 'what was written kept, in order, once committed').toBe(0);
  });

  it('keeps nothing of an append that rolled back', async () => {
    await expect(
      store.transaction(async (tx) => {
        await tx.appendPoints(trials[2].id, 'loss', points(3000, 3000));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await exact();
    const raw = await store.readSeries(trials[2].id, 'loss');
    expect(raw.steps.length).toBe(3000);
  });
});
