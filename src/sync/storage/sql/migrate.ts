/** Brings the schema up to date, once per database even when several processes start together. */

import { StoreTooNewError } from '../../errors.js';
import {
  ADDED_32_STEP_LEVEL_VERSION,
  ADDED_LEVELS_VERSION,
  BACKFILL_SUMMARIES_VERSION,
  FINITE_EXTREMES_VERSION,
  INLINE_SUMMARIES_VERSION,
  MIGRATIONS,
  VACUUM_REWRITTEN_VERSION,
} from '../schema.js';
import type { Queryable, SqlDriver } from './driver.js';
import { ADDED_32_STEP_LEVEL, ADDED_LEVELS } from './summaries.js';
import {
  backfillAddedLevels,
  backfillSeriesSummaries,
  resummariseInfiniteExtremes,
} from './summary-backfill.js';

/** What a migration needs beyond its SQL, by version: run in its transaction, after its statements. */
export const MIGRATION_CODE: Record<number, (q: Queryable) => Promise<void>> = {
  [BACKFILL_SUMMARIES_VERSION]: backfillSeriesSummaries,
  [ADDED_LEVELS_VERSION]: backfillAddedLevels(ADDED_LEVELS),
  [ADDED_32_STEP_LEVEL_VERSION]: backfillAddedLevels(ADDED_32_STEP_LEVEL),
  [FINITE_EXTREMES_VERSION]: resummariseInfiniteExtremes,
};

/** Serialises migrations across processes sharing one database. */
const MIGRATION_LOCK = 741_853_021;

/**
 * Migrations after which tables are vacuumed, once committed (VACUUM cannot run in a transaction):
 * their old rows' space is given back, which PGlite's missing autovacuum never would.
 */
const VACUUM_AFTER: Record<number, readonly string[]> = {
  [INLINE_SUMMARIES_VERSION]: ['series_summary'],
  [VACUUM_REWRITTEN_VERSION]: ['metric_series', 'metric_chunk', 'series_summary'],
};

export async function migrate(driver: SqlDriver): Promise<void> {
  const applied: number[] = [];
  await driver.transaction(async (q) => {
    await q.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await q.query(
      'CREATE TABLE IF NOT EXISTS trialkit_migration (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await q.query<{ v: number | null }>('SELECT max(version) AS v FROM trialkit_migration');
    const current = rows[0]?.v ?? 0;
    if (current > MIGRATIONS.length) throw new StoreTooNewError(current, MIGRATIONS.length);
    for (let v = current + 1; v <= MIGRATIONS.length; v++) {
      for (const statement of splitStatements(MIGRATIONS[v - 1])) await q.query(statement);
      await MIGRATION_CODE[v]?.(q);
      await q.query('INSERT INTO trialkit_migration (version) VALUES ($1)', [v]);
      applied.push(v);
    }
  });
  // Each table once, a statement each (as `vacuum.ts` does), however many migrations asked for it.
  for (const table of new Set(applied.flatMap((v) => VACUUM_AFTER[v] ?? [])))
    await driver.query(`VACUUM ${table}`);
}

/** Splits a migration into statements (extended-protocol queries take one statement each). */
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*$/m)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter(Boolean);
}
