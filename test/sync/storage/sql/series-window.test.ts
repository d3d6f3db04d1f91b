import pg from 'pg';
import { inject } from 'vitest';
import { createMemoryStorage } from '../../../../src/sync/index.js';
import { createPgliteStorage } from '../../../../src/sync/storage/pglite.js';
import { createPostgresStorage } from '../../../../src/sync/storage/postgres.js';
import { describeSeriesWindows } from '../series-window-conformance.js';

describeSeriesWindows('memory', () => createMemoryStorage());
describeSeriesWindows('PGlite in memory', () => createPgliteStorage());

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
