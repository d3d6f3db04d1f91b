import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { createMemoryStorage } from '../../../../src/sync/index.js';
import { createPgliteStorage } from '../../../../src/sync/storage/pglite.js';
import { createPostgresStorage } from '../../../../src/sync/storage/postgres.js';
import { describeStorageConformance } from '../conformance.js';

describeStorageConformance('memory', () => createMemoryStorage());
describeStorageConformance('PGlite in memory', () => createPgliteStorage());

const dataDir = mkdtempSync(join(tmpdir(), 'trialkit-pglite-'));
describeStorageConformance(
  'PGlite in a directory',
  () => createPgliteStorage({ dataDir }),
  async () => rmSync(dataDir, { recursive: true, force: true }),
);

const schema = `conformance_${process.pid}_${Date.now()}`;
describeStorageConformance(
  'PostgreSQL',
  () => createPostgresStorage({ connectionString: inject('pgUrl'), schema }),
  async () => {
    const client = new pg.Client({ connectionString: inject('pgUrl') });
    await client.connect();
    await client.query(`DROP SCHEMA "${schema}" CASCADE`);
    await client.end();
  },
);
