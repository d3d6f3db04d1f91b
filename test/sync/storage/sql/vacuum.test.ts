// PGlite runs no autovacuum: without the store's own vacuums, every one-point append would leave its
// series' old row behind for good, and every flush of a tail its series' old last chunk. With them,
// `metric_series` and `metric_chunk` stay a small multiple of what they hold.
import { describe, expect, it } from 'vitest';
import { openPglite } from '../../../../src/sync/storage/pglite.js';
import { createSqlStorage, type SqlDriver } from '../../../../src/sync/storage/sql/storage.js';
import { study, trial } from '../conformance.js';

/** The tables' sizes after `rounds` one-point appends to each of `series` series, vacuumed every `vacuumEvery`. */
async function grownTo(series: number, rounds: number, vacuumEvery: number) {
  let driver: SqlDriver | undefined;
  const store = createSqlStorage(
    'pglite',
    async () => {
      driver = await openPglite();
      return driver;
    },
    { vacuumEvery },
  );
  try {
    const s = study();
    await store.upsertStudy(s);
    const trials = Array.from({ length: series }, (_, i) => trial(s.id, i));
    for (const t of trials) await store.upsertTrial(t);
    for (let step = 0; step < rounds; step++) {
      const point = {
        steps: new Float64Array([step]),
        values: new Float64Array([step / 7]),
        timestamps: new Float64Array([step]),
      };
      if (step % 2) for (const t of trials) await store.appendPoints(t.id, 'loss', point);
      else
        await store.transaction((tx) =>
          tx.appendPointsMany(trials.map((t) => ({ trialId: t.id, key: 'loss', points: point }))),
        );
    }
    const points = await Promise.all(trials.map((t) => store.readSeries(t.id, 'loss')));
    expect(points.every((p) => p.steps.length === rounds)).toBe(true);
    const { rows } = await (driver as SqlDriver).query<{ series: number; chunks: number }>(
      `SELECT pg_total_relation_size('metric_series')::float8 AS series,
         pg_total_relation_size('metric_chunk')::float8 AS chunks`,
    );
    return rows[0];
  } finally {
    await store.close();
  }
}

describe('the vacuums of PGlite stores', () => {
  it('keep metric_series from growing with every append', async () => {
    const without = await grownTo(20, 300, 0);
    const vacuumed = await grownTo(20, 300, 200);
    // 6,000 appends: without, it grows on with every append (0.9-1.3 MB after 3,000, 1.7 MB after
    // 6,000); with, it stays at 0.2-0.35 MB, depending on how many appends came since the last
    // vacuum finished (twice as many appends as before: a busy machine let that ratio near 2.5).
    expect(vacuumed.series * 2.5, 'the old rows pile up without them').toBeLessThan(without.series);
    expect(vacuumed.series).toBeLessThan(512 * 1024);
  });

  it('keep metric_chunk from growing with every flush of a tail', async () => {
    // Each tail flush (128 points) rewrote the series' last chunk: 15 of them a series here.
    // Measured: 1.06-1.36 MB without, 0.44-0.54 MB with (both vary with when flushes and
    // vacuums end among the appends).
    const without = await grownTo(2, 2000, 0);
    const vacuumed = await grownTo(2, 2000, 50);
    expect(vacuumed.chunks * 1.5, 'the old chunks pile up without them').toBeLessThan(without.chunks);
    expect(vacuumed.chunks).toBeLessThan(768 * 1024);
  });
});
