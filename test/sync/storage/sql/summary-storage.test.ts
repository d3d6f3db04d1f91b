// Summary rows live whole and uncompressed in their table's pages, on PGlite and PostgreSQL: no
// row of `series_summary` is compressed, and its TOAST table stays empty, after appends that
// write and then rewrite rows at every level; rows a store wrote compressed and out of line before
// are moved in by the migration, byte for byte.
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openPglite } from '../../../../src/sync/storage/pglite.js';
import { openPostgres } from '../../../../src/sync/storage/postgres.js';
import { INLINE_SUMMARIES_VERSION } from '../../../../src/sync/storage/schema.js';
import { migrate } from '../../../../src/sync/storage/sql/migrate.js';
import {
  createSqlStorage,
  type Queryable,
  type SqlDriver,
} from '../../../../src/sync/storage/sql/storage.js';
import { points, study, trial } from '../conformance.js';

const schema = `summary_storage_${process.pid}_${Date.now()}`;
const adapters: [string, 'pglite' | 'postgres', () => Promise<SqlDriver>][] = [
  ['PGlite', 'pglite', () => openPglite()],
  ['PostgreSQL', 'postgres', () => openPostgres({ connectionString: inject('pgUrl'), schema })],
];

afterAll(async () => {
  const client = new pg.Client({ connectionString: inject('pgUrl') });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
});

/** How the summary rows are stored: how many are big, compressed, or out of line; a digest of their bytes. */
async function layout(q: Queryable) {
  const { rows } = await q.query<{ full: number; compressed: number; digest: string }>(
    `SELECT count(*) FILTER (WHERE octet_length(buckets) > 4000)::int AS full,
       count(*) FILTER (WHERE pg_column_compression(buckets) IS NOT NULL)::int AS compressed,
       md5(string_agg(buckets, ''::bytea ORDER BY trial_id, key, level, block)) AS digest
     FROM series_summary`,
  );
  const toast = await q.query<{ toast: string }>(
    `SELECT reltoastrelid::regclass::text AS toast FROM pg_class WHERE oid = 'series_summary'::regclass`,
  );
  const outOfLine = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${toast.rows[0].toast}`);
  return { ...rows[0], outOfLine: outOfLine.rows[0].n };
}

describe.each(adapters)('summary rows on %s', (_name, kind, open) => {
  it('are stored inline and uncompressed, also once rewritten, and moved in by the migration', async () => {
    let driver: SqlDriver | undefined;
    const store = createSqlStorage(kind, async () => {
      driver = await open();
      return driver;
    });
    try {
      const s = study();
      const t = trial(s.id, 0);
      await store.upsertStudy(s);
      await store.upsertTrial(t);
      // Full rows at the finer levels, then appends that rewrite the last row of every level.
      await store.appendPoints(t.id, 'loss', points(40_000));
      for (let i = 0; i < 5; i++) await store.appendPoints(t.id, 'loss', points(3_000, 40_000 + i * 3_000));
      const q = driver as SqlDriver;
      const written = await layout(q);
      expect(written.full, 'rows big enough that TOAST would have taken them').toBeGreaterThan(10);
      expect(written.compressed).toBe(0);
      expect(written.outOfLine).toBe(0);

      // The layout before the migration: rows compressed and out of line.
      await q.query('ALTER TABLE series_summary ALTER COLUMN buckets SET STORAGE EXTENDED');
      await q.query('ALTER TABLE series_summary RESET (toast_tuple_target)');
      await q.query(`UPDATE series_summary SET buckets = buckets || ''::bytea`);
      const before = await layout(q);
      expect(before.compressed).toBeGreaterThan(10);
      expect(before.outOfLine).toBeGreaterThan(0);
      await q.query('DELETE FROM trialkit_migration WHERE version >= $1', [INLINE_SUMMARIES_VERSION]);
      await migrate(q);
      const after = await layout(q);
      expect(after).toEqual({ ...written, digest: before.digest });
      expect(after.digest).toBe(written.digest);
    } finally {
      await store.close();
    }
  });
});
