/**
 * `trialkit/sync/postgres`: the store in a PostgreSQL server through `pg`. Several processes may
 * share one database: workers claim jobs with `FOR UPDATE SKIP LOCKED` and advisory locks.
 */
import type { Storage } from '../storage.js';
import { createSqlStorage, type Queryable, type SqlDriver } from './sql/storage.js';

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

/** PostgreSQL as a {@link SqlDriver}; exported for benchmarks that build the store with options. */
export async function openPostgres({
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
  // One channel per schema: engines on other schemas of the database do not hear each other.
  const channel = `trialkit_${schema}`.slice(0, 63);
  /** Open LISTEN connections, ended by `close()` so a process can exit. */
  const listeners = new Set<() => Promise<void>>();
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
    async close() {
      await Promise.all([...listeners].map((stop) => stop()));
      await pool.end();
    },
    changes: {
      channel,
      async listen(onPayload) {
        const stop = await listen(connectionString, channel, onPayload);
        const stopOnce = async () => {
          listeners.delete(stopOnce);
          await stop();
        };
        listeners.add(stopOnce);
        return stopOnce;
      },
    },
  };
}

/** LISTENs on its own connection (a pooled one would be handed to other queries). */
async function listen(
  connectionString: string,
  channel: string,
  onPayload: (payload: string) => void,
): Promise<() => Promise<void>> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString });
  // A lost connection only stops events from other processes; this process's own keep flowing.
  client.on('error', () => {});
  await client.connect();
  client.on('notification', (message) => {
    if (message.channel === channel && message.payload) onPayload(message.payload);
  });
  await client.query(`LISTEN "${channel.replaceAll('"', '""')}"`);
  return async () => {
    await client.end().catch(() => {});
  };
}

export type { Storage };
