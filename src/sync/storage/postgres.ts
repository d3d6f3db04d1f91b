/**
 * `trialkit/sync/postgres`: the store in a PostgreSQL server through `pg`. Several processes may
 * share one database: workers claim jobs with `FOR UPDATE SKIP LOCKED` and advisory locks.
 */
import { StoreUnavailableError } from '../errors.js';
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
  try {
    await setup.connect();
  } catch (err) {
    await setup.end().catch(() => {});
    throw new StoreUnavailableError(
      `cannot open the PostgreSQL store at ${serverOf(connectionString)}: ${(err as Error).message}`,
      { cause: err },
    );
  }
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
  // An idle pooled connection the server drops (a restart, a proxy's reset) raises 'error' on the
  // pool, which would crash the process unheard; the pool discards it and opens another when needed.
  pool.on('error', () => {});
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
      async listen(onPayload, onResume) {
        const stop = await listen(connectionString, channel, onPayload, onResume);
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

/** Longest wait between attempts to LISTEN again after the connection was lost. */
const RELISTEN_MAX_MS = 10_000;

/**
 * LISTENs on its own connection (a pooled one would be handed to other queries), and again on a
 * new one when it is lost (a server restart), trying at growing intervals. Notices sent while it
 * was away are gone: `onResume` is told, once it listens again, how long it was away.
 */
async function listen(
  connectionString: string,
  channel: string,
  onPayload: (payload: string) => void,
  onResume?: (awayMs: number) => void,
): Promise<() => Promise<void>> {
  const { default: pg } = await import('pg');
  let client: InstanceType<typeof pg.Client> | undefined;
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let delay = 250;
  /** When the last listening connection was lost (`performance.now()`). */
  let lostAt = 0;
  const connect = async () => {
    const next = new pg.Client({ connectionString });
    next.on('error', () => {}); // 'end' follows, and listening starts again there
    next.on('end', () => {
      if (client === next && !stopped) again();
    });
    next.on('notification', (message) => {
      if (message.channel === channel && message.payload) onPayload(message.payload);
    });
    try {
      await next.connect();
      await next.query(`LISTEN "${channel.replaceAll('"', '""')}"`);
    } catch (err) {
      await next.end().catch(() => {});
      throw err;
    }
    if (stopped) await next.end().catch(() => {});
    else client = next;
  };
  const again = () => {
    if (client) lostAt = performance.now();
    client = undefined;
    retry = setTimeout(() => {
      connect().then(
        () => {
          delay = 250;
          if (!stopped) onResume?.(performance.now() - lostAt);
        },
        () => {
          delay = Math.min(delay * 2, RELISTEN_MAX_MS);
          if (!stopped) again();
        },
      );
    }, delay);
  };
  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    await client?.end().catch(() => {});
  };
}

export type { Storage };

/** Where a connection string points, without its user or password: `host:port/database`. */
function serverOf(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname}:${url.port || 5432}${url.pathname}`;
  } catch {
    return 'the server its connection string names';
  }
}
