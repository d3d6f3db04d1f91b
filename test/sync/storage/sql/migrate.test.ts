// A store migrated by a newer trialkit is refused with a typed error, and left free for one that
// can open it: an older writer would append without what the newer migrations added.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { keptPoint } from '../../../../src/protocol/index.js';
import { StoreTooNewError } from '../../../../src/sync/index.js';
import { openPglite } from '../../../../src/sync/storage/pglite.js';
import { FINITE_EXTREMES_VERSION, MIGRATIONS } from '../../../../src/sync/storage/schema.js';
import { createSqlStorage } from '../../../../src/sync/storage/sql/storage.js';
import { BUCKETS_PER_ROW, SERIES_LEVEL } from '../../../../src/sync/storage/sql/summaries.js';
import {
  BUCKET_FIELDS,
  decodeRow,
  encodeRow,
  KEPT,
} from '../../../../src/sync/storage/sql/summary-row-codec.js';
import { study, trial } from '../conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'trialkit-migrate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('refuses a store at a newer schema version, names both versions, and frees it', async () => {
  const s = study();
  const first = createSqlStorage('pglite', () => openPglite({ dataDir: dir }));
  await first.upsertStudy(s);
  await first.close();
  const db = await openPglite({ dataDir: dir });
  await db.query('INSERT INTO trialkit_migration (version) VALUES ($1)', [MIGRATIONS.length + 1]);
  await db.close();

  const older = createSqlStorage('pglite', () => openPglite({ dataDir: dir }));
  const refused = await older.listStudies().catch((err: unknown) => err);
  expect(refused).toBeInstanceOf(StoreTooNewError);
  expect(refused).toMatchObject({ storeVersion: MIGRATIONS.length + 1, knownVersion: MIGRATIONS.length });
  expect((refused as Error).message).toContain(`schema version ${MIGRATIONS.length + 1}`);
  await older.close();

  // The directory is free again (its lock released), and nothing in it changed.
  const after = await openPglite({ dataDir: dir });
  const { rows } = await after.query<{ id: string }>('SELECT id FROM study');
  await after.close();
  expect(rows.map((r) => r.id)).toEqual([s.id]);
});

it('summarises again the series a store summarised when ±Infinity counted as extremes', async () => {
  const oldDir = mkdtempSync(join(tmpdir(), 'trialkit-migrate-inf-'));
  try {
    const s = study();
    const t = trial(s.id, 0);
    const store = createSqlStorage('pglite', () => openPglite({ dataDir: oldDir }), { summaries: true });
    await store.upsertStudy(s);
    await store.upsertTrial(t);
    // 5,000 points (past the tail, in chunks and buckets): 0.5 but +Infinity at 2000 and 9 at 2003.
    const n = 5000;
    const steps = Float64Array.from({ length: n }, (_, i) => i);
    const values = steps.map((step) => (step === 2000 ? Number.POSITIVE_INFINITY : step === 2003 ? 9 : 0.5));
    await store.appendPoints(t.id, 'acc', { steps, values, timestamps: steps.map((step) => 1e12 + step) });
    const finiteMax = async (st: typeof store) =>
      (await st.getSeriesSummaries(s.id)).find((m) => m.key === 'acc')?.max?.value;
    expect(await finiteMax(store)).toBe(9);
    await store.close();

    // As a store written before kept them: every bucket holding step 2000 has it as its max.
    const db = await openPglite({ dataDir: oldDir });
    const { rows } = await db.query<{ level: number; block: number; buckets: Uint8Array }>(
      'SELECT level, block, buckets FROM series_summary WHERE trial_id = $1',
      [t.id],
    );
    const MAX = KEPT + 3 * 5;
    for (const row of rows) {
      const count = row.level === SERIES_LEVEL ? 1 : BUCKETS_PER_ROW;
      const buckets = decodeRow(row.buckets, count);
      for (let b = 0; b < count; b++) {
        const o = b * BUCKET_FIELDS;
        if (!(buckets[o] > 0 && buckets[o + 1] <= 2000 && buckets[o + 2] >= 2000)) continue;
        buckets.set([2000, 2000, Number.POSITIVE_INFINITY, 1e12 + 2000, 2000], o + MAX);
      }
      await db.query(
        'UPDATE series_summary SET buckets = $1 WHERE trial_id = $2 AND level = $3 AND block = $4',
        [encodeRow(buckets), t.id, row.level, row.block],
      );
    }
    const header = await db.query<{ buckets: Uint8Array }>(
      'SELECT buckets FROM series_summary WHERE trial_id = $1 AND level = $2',
      [t.id, SERIES_LEVEL],
    );
    expect(keptPoint(decodeRow(header.rows[0].buckets, 1), KEPT, 3)?.value).toBe(Number.POSITIVE_INFINITY);
    await db.query('DELETE FROM trialkit_migration WHERE version = $1', [FINITE_EXTREMES_VERSION]);
    await db.close();

    // Opened again, the migration runs: extremes over the finite values, in the summary and windows.
    const after = createSqlStorage('pglite', () => openPglite({ dataDir: oldDir }), { summaries: true });
    expect(await finiteMax(after)).toBe(9);
    const window = await after.getSeriesWindow({
      studyId: s.id,
      key: 'acc',
      x: 'step',
      from: 0,
      to: 4095,
      columns: 16,
    });
    expect(window.series[0].values).toContain(9);
    await after.close();
  } finally {
    rmSync(oldDir, { recursive: true, force: true });
  }
});
