/**
 * `trialkit/sync/postgres`: the store in a PostgreSQL server through `pg`. Several processes may
 * share one database: workers claim jobs with `FOR UPDATE SKIP LOCKED` and advisory locks.
 */
import type { Storage } from '../storage.js';
import { createSqlStorage, type Queryable, type SqlDriver } from './sql.js';

export interface PostgresStorageOptions {
  /** e.g. `postgres://user:pass@127.0.0.1:5432/db` */
  connectionString: string;
  /** The schema to keep trialkit's tables in (created if missing). Default `trialkit`. */
  schema?: string;
  /** Pool size. Default 4. */
  max?: number;
}

/** Opens a PostgreSQL store; the schema is created and migrated on first use. */
export function createPostgresStorage(options: PostgresStorageOptions): Storage {
  return createSqlStorage('postgres', () => openPostgres(options));
}

async function openPostgres({
  connectionString,
  schema = 'trialkit',
  max = 4,
}: PostgresStorageOptions): Promise<SqlDriver> {
  const { default: pg } = await import('pg');
  const ident = `"${schema.replaceAll('"', '""')}"`;
  const setup = new pg.Client({ connectionString });
  await setup.connect();
  try {
    await setup.query(`CREATE SCHEMA IF NOT EXISTS ${ident}`);
  } catch (err) {
    // Two processes creating the schema at once: one wins, the other sees it exists.
    if ((err as { code?: string }).code !== '23505') throw err;
  } finally {
    await setup.end();
  }
  const pool = new pg.Pool({ connectionString, max, options: `-c search_path=${ident}` });
  const query: Queryable['query'] = (text, params) =>
    pool.query(text, params as unknown[]) as Promise<{ rows: never[] }>;
  return {
    query,
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({
          query: (text, params) => client.query(text, params as unknown[]) as Promise<{ rows: never[] }>,
        });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

export type { Storage };
