// Closing a store waits for what runs on it (PGlite shuts down once its own locks are free, and a
// statement arriving then runs into the shutdown) and refuses what comes after, with a typed error.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StorageClosedError } from '../../../../src/sync/index.js';
import { createPgliteStorage } from '../../../../src/sync/storage/pglite.js';
import { points, study, trial } from '../conformance.js';

describe('closing a store', () => {
  it('lets running appends finish, refuses later ones, and opens again with every point', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trialkit-close-'));
    try {
      const store = createPgliteStorage({ dataDir: dir });
      const s = study();
      await store.upsertStudy(s);
      const trials = [trial(s.id, 0), trial(s.id, 1)];
      for (const t of trials) await store.upsertTrial(t);
      // Appends on their way when close() is called, filling tails (flushes asked after it began are
      // refused: their points stay in the tails, which may then hold up to twice their limit).
      const appends = Array.from({ length: 60 }, (_, i) =>
        store.appendPointsMany(trials.map((t) => ({ trialId: t.id, key: 'loss', points: points(5, i * 5) }))),
      );
      const closed = store.close();
      await expect(store.appendPoints(trials[0].id, 'loss', points(1, 300))).rejects.toBeInstanceOf(
        StorageClosedError,
      );
      await Promise.all(appends);
      await closed;

      const again = createPgliteStorage({ dataDir: dir });
      for (const t of trials) expect((await again.readSeries(t.id, 'loss')).steps).toEqual(points(300).steps);
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
