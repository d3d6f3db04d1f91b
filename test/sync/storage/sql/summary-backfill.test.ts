// A store written before series summaries existed, with summary levels four apart, or without 32-step
// buckets, is upgraded:
// its series get the summaries they lack once, and their windows are exact like any other series'.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { m4Columns } from '../../../../src/protocol/index.js';
import { seededRandom } from '../../../../src/server/seeded-random.js';
import type { ColumnarPoints } from '../../../../src/sync/model.js';
import { openPglite } from '../../../../src/sync/storage/pglite.js';
import {
  ADDED_32_STEP_LEVEL_VERSION,
  ADDED_LEVELS_VERSION,
  BACKFILL_SUMMARIES_VERSION,
} from '../../../../src/sync/storage/schema.js';
import { MIGRATION_CODE } from '../../../../src/sync/storage/sql/migrate.js';
import { createSqlStorage, type Queryable } from '../../../../src/sync/storage/sql/storage.js';
import {
  ADDED_32_STEP_LEVEL,
  ADDED_LEVELS,
  BUCKETS_PER_ROW,
  SERIES_LEVEL,
} from '../../../../src/sync/storage/sql/summaries.js';
import { BUCKET_FIELDS, decodeRow } from '../../../../src/sync/storage/sql/summary-row-codec.js';
import { study, trial } from '../conformance.js';
import { randomSeries } from '../series-window-conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'trialkit-backfill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('summarises the series written before summaries existed, once, so their windows are exact', async () => {
  const s = study();
  const series = [0, 1, 2].map((t) => ({
    trial: trial(s.id, t),
    points: randomSeries(seededRandom(40 + t)),
  }));
  // Written as an older store did: points straight into chunks, and no summaries.
  const old = createSqlStorage('pglite', () => openPglite({ dataDir: dir }), {
    summaries: false,
    tailPoints: 0,
  });
  await old.upsertStudy(s);
  for (const { trial: t, points } of series) {
    await old.upsertTrial(t);
    if (points.steps.length) await old.appendPoints(t.id, 'loss', points);
  }
  await old.close();
  // The upgrade's step, on that database (later migrations are already there: they do not touch summaries).
  const db = await openPglite({ dataDir: dir });
  await db.query('DELETE FROM series_summary');
  await db.transaction((q) => MIGRATION_CODE[BACKFILL_SUMMARIES_VERSION](q));
  await db.close();

  const upgraded = createSqlStorage('pglite', () => openPglite({ dataDir: dir }));
  try {
    const summaries = await upgraded.getSeriesSummaries(s.id);
    const written = series.filter((x) => x.points.steps.length > 0);
    expect(summaries.map((x) => x.count)).toEqual(written.map((x) => x.points.steps.length));
    for (const { trial: t, points } of written) {
      const window = await upgraded.getSeriesWindow({
        studyId: s.id,
        key: 'loss',
        x: 'step',
        columns: 97,
        trialIds: [t.id],
      });
      const expected = m4Columns(points, 'step', window.from, window.to, 97);
      expect(window.series[0].steps).toEqual(expected.steps);
      expect(window.series[0].values).toEqual(expected.values);
    }
  } finally {
    await upgraded.close();
  }
});

it.each([
  ['the levels in between to series summarised at levels four apart', ADDED_LEVELS_VERSION, ADDED_LEVELS],
  ['32-step buckets to series summarised without them', ADDED_32_STEP_LEVEL_VERSION, ADDED_32_STEP_LEVEL],
])('adds %s, as appends would have', async (_, version, levels) => {
  const at = mkdtempSync(join(tmpdir(), 'trialkit-levels-'));
  try {
    const s = study();
    const store = createSqlStorage('pglite', () => openPglite({ dataDir: at }));
    await store.upsertStudy(s);
    for (const t of [0, 1, 2]) {
      const { id } = trial(s.id, t);
      await store.upsertTrial(trial(s.id, t));
      const points = randomSeries(seededRandom(70 + t));
      // In a few appends, the last small: its points wait in the series' tail, outside the summaries.
      const n = points.steps.length;
      for (const [from, to] of [
        [0, Math.floor(n / 2)],
        [Math.floor(n / 2), n - 3],
        [n - 3, n],
      ])
        if (to > from)
          await store.appendPoints(id, 'loss', {
            steps: points.steps.subarray(from, to),
            values: points.values.subarray(from, to),
            timestamps: points.timestamps.subarray(from, to),
          });
    }
    await store.close();
    const rowsAt = async (q: Queryable) =>
      (
        await q.query<{ trial_id: string; level: number; block: number; buckets: Uint8Array }>(
          `SELECT trial_id, level, block::float8 AS block, buckets FROM series_summary
           WHERE level = ANY($1::smallint[]) ORDER BY trial_id, level, block`,
          [[...levels]],
        )
      ).rows.map((r) => ({ ...r, buckets: [...r.buckets] }));
    const db = await openPglite({ dataDir: at });
    try {
      const written = await rowsAt(db);
      expect(written.length).toBeGreaterThan(0);
      // As a store without those levels left it; the migration's step then adds them back.
      await db.query('DELETE FROM series_summary WHERE level = ANY($1::smallint[])', [[...levels]]);
      await db.transaction((q) => MIGRATION_CODE[version](q));
      expect(await rowsAt(db)).toEqual(written);
      // Once: a second run finds nothing to add.
      await db.transaction((q) => MIGRATION_CODE[version](q));
      expect(await rowsAt(db)).toEqual(written);
    } finally {
      await db.close();
    }
  } finally {
    rmSync(at, { recursive: true, force: true });
  }
});

it('reads summary rows stored as float64s before rows were compact, and rewrites them compact on append', async () => {
  const at = mkdtempSync(join(tmpdir(), 'trialkit-legacy-rows-'));
  try {
    const s = study();
    const t = trial(s.id, 0);
    // A series long enough to fill several rows (random ones may be empty).
    const points = Array.from({ length: 40 }, (_, i) => 90 + i)
      .map((seed) => randomSeries(seededRandom(seed)))
      .find((p) => p.steps.length >= 3000) as ColumnarPoints;
    const half = Math.floor(points.steps.length / 2);
    const part = (from: number, to: number) => ({
      steps: points.steps.subarray(from, to),
      values: points.values.subarray(from, to),
      timestamps: points.timestamps.subarray(from, to),
    });
    const store = createSqlStorage('pglite', () => openPglite({ dataDir: at }), { tailPoints: 0 });
    await store.upsertStudy(s);
    await store.upsertTrial(t);
    await store.appendPoints(t.id, 'loss', part(0, half));
    await store.close();
    // Every row rewritten as a store before compact rows wrote it.
    const db = await openPglite({ dataDir: at });
    const { rows } = await db.query<{ level: number; block: number; buckets: Uint8Array }>(
      'SELECT level, block::float8 AS block, buckets FROM series_summary',
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      const row = decodeRow(r.buckets, BUCKETS_PER_ROW);
      await db.query('UPDATE series_summary SET buckets = $1 WHERE level = $2 AND block = $3', [
        legacyBytes(row),
        r.level,
        r.block,
      ]);
    }
    await db.close();

    const reopened = createSqlStorage('pglite', () => openPglite({ dataDir: at }), { tailPoints: 0 });
    try {
      const exact = async (n: number) => {
        const window = await reopened.getSeriesWindow({ studyId: s.id, key: 'loss', x: 'step', columns: 61 });
        const expected = m4Columns(part(0, n), 'step', window.from, window.to, 61);
        expect(window.series[0].steps).toEqual(expected.steps);
        expect(window.series[0].values).toEqual(expected.values);
        expect(window.series[0].timestamps).toEqual(expected.timestamps);
      };
      await exact(half);
      await reopened.appendPoints(t.id, 'loss', part(half, points.steps.length));
      await exact(points.steps.length);
    } finally {
      await reopened.close();
    }
    // The rows the append touched are compact now (the whole-series row always is).
    const after = await openPglite({ dataDir: at });
    const header = await after.query<{ first: number }>(
      `SELECT get_byte(buckets, 0) AS first FROM series_summary WHERE level = ${SERIES_LEVEL}`,
    );
    await after.close();
    expect(header.rows.map((r) => r.first)).toEqual([2]);
  } finally {
    rmSync(at, { recursive: true, force: true });
  }
});

/** A row's bytes as stores wrote them before compact rows: per non-empty bucket its position, then its fields. */
function legacyBytes(row: Float64Array): Uint8Array {
  const out: number[] = [];
  for (let o = 0; o < row.length; o += BUCKET_FIELDS)
    if (row[o] > 0) out.push(o / BUCKET_FIELDS, ...row.subarray(o, o + BUCKET_FIELDS));
  return new Uint8Array(Float64Array.from(out).buffer);
}
