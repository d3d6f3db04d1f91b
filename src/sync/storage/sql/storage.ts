/**
 * The SQL adapter shared by PGlite and PostgreSQL: one schema, one set of queries, composed here
 * from the query modules. A driver only has to run a query and a transaction.
 */
import type { Storage, StorageOps } from '../../storage.js';
import { changesWithin } from './catch-up.js';
import { ChunkCache } from './chunk-cache.js';
import { bound, type Db, rowsOf, type SqlDriver } from './driver.js';
import { jobQueries } from './jobs.js';
import { migrate } from './migrate.js';
import { Running } from './running.js';
import { flushTail, type SeriesOptions, seriesQueries, TAIL_POINTS } from './series.js';
import { readSeriesWindow, TIME_WINDOW_RAW_BYTES } from './series-window.js';
import { readSeriesSummaries } from './summaries.js';
import { SummaryRowCache } from './summary-cache.js';
import { syncStateQueries } from './sync-state.js';
import { TailFlusher } from './tail-flusher.js';
import { trialQueries } from './trials.js';
import { AppendVacuum, SERIES_VACUUM_EVERY } from './vacuum.js';

export type { Queryable, SqlDriver } from './driver.js';

export interface SqlStorageOptions {
  /** Keep series summaries on append (default true); off only to measure what they cost. */
  summaries?: boolean;
  /**
   * Most points a series keeps in its small tail row before they go to its chunks and summaries
   * (default {@link TAIL_POINTS}); 0 writes every append through at once (to measure the tail's gain).
   */
  tailPoints?: number;
  /** Bytes of decoded summary rows kept for repeated windows (default 256 MiB; 0: none). */
  summaryCacheBytes?: number;
  /** Bytes of decoded raw points kept for repeated close zooms (default 128 MiB; 0: none). */
  chunkCacheBytes?: number;
  /**
   * Bytes of raw points a window by time reads at most, the rest of its series coming from their
   * summaries (default {@link TIME_WINDOW_RAW_BYTES}, 8 MiB; 0: summaries for every series).
   */
  timeWindowRawBytes?: number;
  /**
   * Appends between vacuums of the series rows on PGlite, which has no autovacuum (default
   * {@link SERIES_VACUUM_EVERY}; chunks and summaries ten times as many apart; 0: never).
   * PostgreSQL's autovacuum does this there.
   */
  vacuumEvery?: number;
}

/**
 * The window caches of one storage, shared by its operations in and out of transactions, and the
 * raw bytes its windows by time may read.
 */
interface Caches {
  rows?: SummaryRowCache;
  chunks?: ChunkCache;
  timeRawBytes: number;
}

function cachesFor(options: SqlStorageOptions): Caches {
  const cacheBytes = options.summaryCacheBytes ?? 256 * 1024 * 1024;
  const chunkBytes = options.chunkCacheBytes ?? 128 * 1024 * 1024;
  return {
    rows: cacheBytes > 0 ? new SummaryRowCache(cacheBytes) : undefined,
    chunks: chunkBytes > 0 ? new ChunkCache(chunkBytes) : undefined,
    timeRawBytes: options.timeWindowRawBytes ?? TIME_WINDOW_RAW_BYTES,
  };
}

/** How series are written: summaries, tails and who hears of flushes. */
function seriesOptions(options: SqlStorageOptions, caches: Caches, flusher: TailFlusher): SeriesOptions {
  return {
    summaries: options.summaries !== false,
    tailPoints: options.tailPoints ?? TAIL_POINTS,
    onFlushed:
      caches.rows || caches.chunks
        ? ({ trialId, key, chunks, summaries }) => {
            if (summaries) caches.rows?.written(trialId, key, summaries);
            for (const c of chunks) caches.chunks?.written(trialId, key, c.chunk, c.offset, c.points);
          }
        : undefined,
    onFull: (series) => flusher.add(series),
  };
}

/** Every operation of a store on `db`; `channel()` is where change notices go, if anywhere. */
function sqlOps(
  db: Db,
  channel: () => string | undefined,
  series: SeriesOptions,
  caches: Caches,
): StorageOps {
  const q = rowsOf(db);
  return {
    ...trialQueries(db),
    ...seriesQueries(db, series),
    getSeriesWindow: (query, signal) =>
      db.one((q) => readSeriesWindow(q, query, signal, caches, caches.timeRawBytes)),
    getSeriesSummaries: (studyId) => db.one((q) => readSeriesSummaries(q, studyId)),
    ...syncStateQueries(db),
    ...jobQueries(db),
    async notifyChanges(payloads) {
      const name = channel();
      if (!name || payloads.length === 0) return;
      await q('SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p', [name, payloads]);
    },
  };
}

/** `ops` telling `appended` how many appends each of its append calls made, once it returned. */
function counted(ops: StorageOps, appended: (n: number) => void): StorageOps {
  return {
    ...ops,
    async appendPoints(trialId, key, points) {
      const result = await ops.appendPoints(trialId, key, points);
      appended(1);
      return result;
    },
    async appendPointsMany(appends) {
      const result = await ops.appendPointsMany(appends);
      appended(appends.length);
      return result;
    },
  };
}

/** How long a failed open is reported before the next operation tries again. */
const REOPEN_AFTER_MS = 1000;

/**
 * Builds a {@link Storage} on a driver that is still starting; every operation waits until the
 * driver is up and the schema migrated. A driver that failed to open (a database server not up
 * yet) is opened again by the next operation a second or more later, so a service started before
 * its database recovers once the database is there.
 */
export function createSqlStorage(
  kind: Storage['kind'],
  open: () => Promise<SqlDriver>,
  options: SqlStorageOptions = {},
): Storage {
  let channel: string | undefined;
  const channelOf = () => channel;
  const openAndMigrate = () =>
    open().then(async (d) => {
      try {
        await migrate(d);
      } catch (err) {
        // Closed, so the database (a PGlite directory's lock) is free for a store that can open it.
        await d.close().catch(() => {});
        throw err;
      }
      channel = d.changes?.channel;
      return d;
    });
  let opening = openAndMigrate();
  let failedAt: number | undefined;
  const watch = () =>
    opening.catch(() => {
      failedAt = Date.now(); // surfaced by the operations that wait for it
    });
  watch();
  /** The driver, opened again if the last attempt failed a second or more ago. */
  const driver = (): Promise<SqlDriver> => {
    if (failedAt !== undefined && Date.now() - failedAt >= REOPEN_AFTER_MS) {
      failedAt = undefined;
      opening = openAndMigrate();
      watch();
    }
    return opening;
  };
  const caches = cachesFor(options);
  const running = new Running();
  const pooled: Db = {
    one: (fn) => running.run(async () => fn(await driver())),
    atomic: (fn) => running.run(async () => (await driver()).transaction(fn)),
    afterCommit: (fn) => fn(),
  };
  // Full tails are flushed on the pool, after the append (or the transaction it was in) committed.
  const flusher: TailFlusher = new TailFlusher((s) => flushTail(pooled, s, series));
  // Only a PostgreSQL server has other processes' transactions to wait for (PGlite has one connection).
  const series = { ...seriesOptions(options, caches, flusher), lockInOrder: kind === 'postgres' };
  const every = kind === 'postgres' ? 0 : (options.vacuumEvery ?? SERIES_VACUUM_EVERY);
  const vacuum =
    every > 0 ? new AppendVacuum((table) => pooled.one((q) => q.query(`VACUUM ${table}`)), every) : undefined;
  return {
    kind,
    ...counted(sqlOps(pooled, channelOf, series, caches), (n) => vacuum?.appended(n)),
    async ready() {
      await driver();
    },
    async transaction(fn) {
      // Told once the transaction commits (summary rows for the window cache), never if it rolls back.
      const committed: (() => void)[] = [];
      const afterCommit = (f: () => void) => {
        committed.push(f);
      };
      let appends = 0;
      const result = await running.run(async () =>
        (await driver()).transaction((q) =>
          fn(
            counted(
              sqlOps({ one: bound(q), atomic: bound(q), afterCommit }, channelOf, series, caches),
              (n) => {
                appends += n;
              },
            ),
          ),
        ),
      );
      for (const f of committed) f();
      vacuum?.appended(appends);
      return result;
    },
    async listenChanges(onChange, onResume) {
      return (await driver()).changes?.listen(onChange, onResume);
    },
    changesWithin: (ms) => changesWithin(pooled, ms),
    async close() {
      // Refused from this call on (flushes too: their points stay in the tails); what runs finishes.
      await running.close();
      await flusher.idle();
      await vacuum?.idle();
      const opened = await opening.catch(() => undefined);
      await opened?.close();
    },
  };
}
