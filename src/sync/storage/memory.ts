/**
 * The memory store: PGlite in memory, so memory, PGlite and PostgreSQL share one schema, one set
 * of queries and one queue, and a test of one is a test of all. PGlite loads on first use.
 */
import type { Storage } from '../storage.js';
import { openPglite } from './pglite.js';
import { createSqlStorage } from './sql/storage.js';

/** A store that lives in this process and ends with it. */
export function createMemoryStorage(): Storage {
  return createSqlStorage('memory', () => openPglite());
}
