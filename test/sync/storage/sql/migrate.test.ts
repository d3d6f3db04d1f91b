// A store migrated by a newer trialkit is refused with a typed error, and left free for one that
// can open it: an older writer would append without what the newer migrations added.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { StoreTooNewError } from '../../../../src/sync/index.js';
import { openPglite } from '../../../../src/sync/storage/pglite.js';
import { MIGRATIONS } from '../../../../src/sync/storage/schema.js';
import { createSqlStorage } from '../../../../src/sync/storage/sql/storage.js';
import { study } from '../conformance.js';

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
