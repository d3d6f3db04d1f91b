import pg from 'pg';
import { inject } from 'vitest';
import { createMemoryStorage } from '../../../../src/sync/index.js';
import { createPgliteStorage, openPglite } from '../../../../src/sync/storage/pglite.js';
import { createPostgresStorage, openPostgres } from '../../../../src/sync/storage/postgres.js';
import { createSqlStorage } from '../../../../src/sync/storage/sql/storage.js';
import { describeSeriesWindows } from '../series-window-conformance.js';

describeSeriesWindows('memory', () => createMemoryStorage());
describeSeriesWindows('PGlite in memory', () => createPgliteStorage());
// Without the window caches, which would answer most reads from what the store just wrote.
const uncached = { summaryCacheBytes: 0, chunkCacheBytes: 0 };
describeSeriesWindows('PGlite, no window caches', () =>
  createSqlStorage('pglite', () => openPglite(), uncached),
);

const schema = `windows_${process.pid}_${Date.now()}`;
describeSeriesWindows(
  'PostgreSQL',
  () => createPostgresStorage({ connectionString: inject('pgUrl'), schema }),
  async () => {
    const client = new pg.Client({ connectionString: inject('pgUrl') });
    await client.connect();
    await client.query(`DROP SCHEMA "${schema}" CASCADE`);
    await client.end();
  },
  true,
);
const uncachedSchema = `${schema}_uncached`;
describeSeriesWindows(
  'PostgreSQL, no window caches',
  () =>
    createSqlStorage(
      'postgres',
      () => openPostgres({ connectionString: inject('pgUrl'), schema: uncachedSchema }),
      uncached,
    ),
  async () => {
    const client = new pg.Client({ connectionString: inject('pgUrl') });
    await client.connect();
    await client.query(`DROP SCHEMA "${uncachedSchema}" CASCADE`);
    await client.end();
  },
);
