// PGlite runs no autovacuum: without the store's own vacuum, every one-point append would leave its
// series' old row behind for good. With it, `metric_series` stays a small multiple of its rows.
import { describe, expect, it } from 'vitest';
import { openPglite } from '../../../../src/sync/storage/pglite.js';
import { createSqlStorage, type SqlDriver } from '../../../../src/sync/storage/sql/storage.js';
import { study, trial } from '../conformance.js';

const SERIES = 20;
const ROUNDS = 150;

/** `metric_series`' size after SERIES x ROUNDS one-point appends, with a vacuum every `vacuumEvery`. */
async function grownTo(vacuumEvery: number): Promise<number> {
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
    const trials = Array.from({ length: SERIES }, (_, i) => trial(s.id, i));
    for (const t of trials) await store.upsertTrial(t);
    for (let step = 0; step < ROUNDS; step++) {
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
    expect(points.every((p) => p.steps.length === ROUNDS)).toBe(true);
    const { rows } = await (driver as SqlDriver).query<{ bytes: number }>(
      `SELECT pg_total_relation_size('metric_series')::float8 AS bytes`,
    );
    return rows[0].bytes;
  } finally {
    await store.close();
  }
}

describe('the vacuum of series rows on PGlite', () => {
  it('keeps metric_series from growing with every append', async () => {
    const without = await grownTo(0);
    const withVacuum = await grownTo(200);
    // 3,000 appends: about 1.1 MB without, 0.2 MB with (and without, it grows on with every append).
    expect(withVacuum * 4, 'the old rows pile up without it').toBeLessThan(without);
    expect(withVacuum).toBeLessThan(512 * 1024);
  });
});
