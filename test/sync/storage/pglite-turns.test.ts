// PGlite settles a statement's promise at once: a chain of statements must still let the process's
// callbacks run between them (an event stream's socket writes go out on the next tick), not only
// once the whole chain has ended.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPglite } from '../../../src/sync/storage/pglite.js';
import type { SqlDriver } from '../../../src/sync/storage/sql/storage.js';

let db: SqlDriver;
beforeAll(async () => {
  db = await openPglite();
});
afterAll(() => db.close());

/** Runs `count` statements one after the other; returns how many had run when a tick and an immediate came. */
async function chain(run: (sql: string) => Promise<unknown>, count: number) {
  let done = 0;
  const seen = { tick: -1, immediate: -1 };
  const statements = (async () => {
    for (let i = 0; i < count; i++) {
      await run('SELECT 1');
      done++;
      if (i === 0) {
        process.nextTick(() => {
          seen.tick = done;
        });
        setImmediate(() => {
          seen.immediate = done;
        });
      }
    }
  })();
  await statements;
  return seen;
}

it('lets ticks and immediates queued by one statement run before the next ones, outside a transaction', async () => {
  const seen = await chain((sql) => db.query(sql), 50);
  expect(seen.tick).toBeGreaterThanOrEqual(1);
  expect(seen.tick).toBeLessThan(5);
  expect(seen.immediate).toBeLessThan(5);
});

it('and inside one', async () => {
  const seen = await db.transaction((tx) => chain((sql) => tx.query(sql), 50));
  expect(seen.tick).toBeLessThan(5);
  expect(seen.immediate).toBeLessThan(5);
});
