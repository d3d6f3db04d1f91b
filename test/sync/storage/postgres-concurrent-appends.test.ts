// Two stores on one PostgreSQL schema (two processes' pools) appending to the same series at once,
// each in its own order of sizes: one append goes to a tail, the other fills it and is flushed.
// PostgreSQL used to find a deadlock between them and fail a whole append.
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { ColumnarPoints } from '../../../src/sync/index.js';
import { createPostgresStorage } from '../../../src/sync/storage/postgres.js';
import { study, trial, uid } from './conformance.js';

const schema = uid('tk_concurrent').replaceAll('-', '_');
const a = createPostgresStorage({ connectionString: inject('pgUrl'), schema });
const b = createPostgresStorage({ connectionString: inject('pgUrl'), schema });
afterAll(async () => {
  await a.close();
  await b.close();
  const admin = new pg.Client({ connectionString: inject('pgUrl') });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
});

const points = (n: number, from: number): ColumnarPoints => {
  const steps = Float64Array.from({ length: n }, (_, i) => from + i);
  return { steps, values: steps.map((s) => s / 7), timestamps: steps.map((s) => 1_700_000_000_000 + s) };
};

describe('the PostgreSQL store, appended to by two processes', () => {
  it('appends to the same series from both, in any order of sizes, without a deadlock', async () => {
    const s = study();
    await a.upsertStudy(s);
    const [x, y] = [trial(s.id, 0), trial(s.id, 1)];
    await a.upsertTrial(x);
    await a.upsertTrial(y);
    await a.appendPointsMany([
      { trialId: x.id, key: 'loss', points: points(1, 0) },
      { trialId: y.id, key: 'loss', points: points(1, 0) },
    ]);
    const failures: unknown[] = [];
    let written = 2;
    for (let round = 0; round < 30; round++) {
      const from = 1 + round * 10_000;
      const results = await Promise.allSettled([
        a.appendPointsMany([
          { trialId: x.id, key: 'loss', points: points(1, from) },
          { trialId: y.id, key: 'loss', points: points(3000, from) },
        ]),
        b.appendPointsMany([
          { trialId: x.id, key: 'loss', points: points(3000, from + 5000) },
          { trialId: y.id, key: 'loss', points: points(1, from + 5000) },
        ]),
      ]);
      for (const r of results) if (r.status === 'rejected') failures.push(r.reason);
      written += 2 * 3001;
    }
    expect(failures.map(String)).toEqual([]);
    const [xs, ys] = [await b.readSeries(x.id, 'loss'), await b.readSeries(y.id, 'loss')];
    expect(xs.steps.length + ys.steps.length).toBe(written);
  }, 120_000);
});
