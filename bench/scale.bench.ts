// `npm run bench:scale`: the server side of level-of-detail series at scale, on PGlite in a
// directory and (with TRIALKIT_PG_URL) on PostgreSQL. One study of TRIALS trials x POINTS points of
// `loss` plus EXTRA_KEYS metrics of EXTRA_POINTS points each, ingested through the engine's
// `appendMetrics` in BATCH-point appends, with summaries and without (the baseline, in the same
// run); then, for a new tab: the v1 full snapshot (the baseline) against the v2 summary snapshot
// (bytes, build time, the longest a write waits meanwhile); window latency p50/p95 for aligned
// overviews and zooms over VISIBLE trials; the process's resident memory.
// Full size: TRIALS=1000 POINTS=100000. The defaults are small. `setupStudy` is exported for the
// browser half of the benchmark.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeEvent, encodeSeriesWindow, type SeriesWindowQuery } from '../src/protocol/index.js';
import { seededRandom } from '../src/server/seeded-random.js';
import { createSyncEngine, type Storage, type SyncEngine } from '../src/sync/index.js';
import { openPglite } from '../src/sync/storage/pglite.js';
import { openPostgres } from '../src/sync/storage/postgres.js';
import { createSqlStorage, type SqlDriver } from '../src/sync/storage/sql/storage.js';

export interface ScaleSize {
  trials: number;
  points: number;
  extraKeys: number;
  extraPoints: number;
  batch: number;
}

export const STUDY_ID = 'scale';
export const KEY = 'loss';

const size: ScaleSize = {
  trials: Number(process.env.TRIALS ?? 20),
  points: Number(process.env.POINTS ?? 10_000),
  extraKeys: Number(process.env.EXTRA_KEYS ?? 4),
  extraPoints: Number(process.env.EXTRA_POINTS ?? 1000),
  batch: Number(process.env.BATCH ?? 1000),
};
const COLUMNS = Number(process.env.COLUMNS ?? 1000);
const VISIBLE = Number(process.env.VISIBLE ?? 20);
const RUNS = Number(process.env.RUNS ?? 20);
/** Above this many points the v1 full snapshot is not built: its JSON outgrows a JavaScript string. */
const V1_MAX_POINTS = Number(process.env.V1_MAX_POINTS ?? 5_000_000);

/** The points of trial `t`'s metric `k` from `from` (exclusive `to`): a decaying curve, noise and rare spikes. */
function points(t: number, k: number, from: number, to: number) {
  const random = seededRandom(t * 31 + k + 1);
  return Array.from({ length: to - from }, (_, i) => {
    const step = from + i;
    const spike = random() < 1e-4 ? 10 : 0;
    return {
      step,
      value: Math.exp(-step / 20_000) + random() * 0.05 + spike,
      timestamp: 1.75e12 + step * 100,
    };
  });
}

/** Writes the study through the engine; returns the seconds spent in `appendMetrics`. */
export async function setupStudy(engine: SyncEngine, s: ScaleSize): Promise<number> {
  await engine.upsertStudy({ id: STUDY_ID, name: 'scale', status: 'running', createdAt: 1.75e12 });
  let seconds = 0;
  for (let t = 0; t < s.trials; t++) {
    const trialId = `trial-${t}`;
    await engine.upsertTrial({
      id: trialId,
      studyId: STUDY_ID,
      number: t,
      status: 'running',
      startedAt: 1.75e12,
    });
    const series: [string, number][] = [[KEY, s.points]];
    for (let k = 1; k <= s.extraKeys; k++) series.push([`metric_${k}`, s.extraPoints]);
    for (const [k, [key, n]] of series.entries()) {
      for (let at = 0; at < n; at += s.batch) {
        const batch = points(t, k, at, Math.min(n, at + s.batch));
        const start = performance.now();
        await engine.appendMetrics(trialId, key, batch);
        seconds += (performance.now() - start) / 1000;
      }
    }
  }
  return seconds;
}

const totalPoints = size.trials * (size.points + size.extraKeys * size.extraPoints);
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

interface Backend {
  name: string;
  open(summaries: boolean): { storage: Storage; dispose(): Promise<void> };
}

function pgliteBackend(): Backend {
  return {
    name: 'PGlite (dir)',
    open(summaries) {
      const dir = mkdtempSync(join(tmpdir(), 'trialkit-scale-'));
      const storage = createSqlStorage('pglite', () => openPglite({ dataDir: dir }), { summaries });
      return {
        storage,
        async dispose() {
          await storage.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  };
}

function postgresBackend(url: string): Backend {
  return {
    name: 'PostgreSQL',
    open(summaries) {
      const schema = `scale_${process.pid}_${summaries ? 's' : 'b'}`;
      const storage = createSqlStorage('postgres', () => openPostgres({ connectionString: url, schema }), {
        summaries,
      });
      return {
        storage,
        async dispose() {
          await storage.close();
          const driver: SqlDriver = await openPostgres({ connectionString: url, schema: 'public' });
          await driver.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
          await driver.close();
        },
      };
    },
  };
}

/**
 * The longest an append of one point waits while `task` runs. Appends are due every 10 ms; a wait
 * counts from when the append was due, so time the event loop spent blocked (PGlite runs
 * WebAssembly on it) counts too.
 */
async function writeWaitDuring(engine: SyncEngine, task: () => Promise<unknown>): Promise<number> {
  const interval = 10;
  let done = false;
  let worst = 0;
  let step = 10_000_000;
  const writer = (async () => {
    let due = performance.now();
    while (!done) {
      await engine.appendMetrics('trial-0', 'probe', [{ step: step++, value: 1, timestamp: 1.75e12 }]);
      const end = performance.now();
      worst = Math.max(worst, end - due);
      due = Math.max(due + interval, end);
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
    }
  })();
  await new Promise((r) => setTimeout(r, 30));
  await task();
  done = true;
  await writer;
  return worst;
}

async function windows(engine: SyncEngine, name: string, query: SeriesWindowQuery): Promise<void> {
  const runs: number[] = [];
  let bytes = 0;
  const coldStart = performance.now();
  await engine.seriesWindow(query); // the first read fills the summary-row cache
  const cold = performance.now() - coldStart;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const window = await engine.seriesWindow(query);
    runs.push(performance.now() - start);
    bytes = encodeSeriesWindow(window).length;
  }
  runs.sort((a, b) => a - b);
  console.log(
    `  ${name.padEnd(34)} first ${cold.toFixed(0)} ms, then p50 ${percentile(runs, 0.5).toFixed(0)} ms, p95 ${percentile(runs, 0.95).toFixed(0)} ms, ${mb(bytes)} binary`,
  );
}

async function measure(backend: Backend): Promise<void> {
  console.log(`\n${backend.name}`);
  const rates: number[] = [];
  for (const summaries of [false, true]) {
    const { storage, dispose } = backend.open(summaries);
    const engine = createSyncEngine({ storage, enabled: false });
    try {
      const seconds = await setupStudy(engine, size);
      rates.push(totalPoints / seconds);
      console.log(
        `  ingest ${summaries ? 'with summaries' : 'baseline (none)'}: ${Math.round(totalPoints / seconds)} points/s`,
      );
      if (!summaries) continue;
      console.log(`  with summaries / baseline = ${(rates[1] / rates[0]).toFixed(3)}`);
      for (const [name, points] of [
        ['v1 full snapshot (baseline)', true],
        ['v2 summary snapshot', false],
      ] as const) {
        if (points && totalPoints > V1_MAX_POINTS) {
          console.log(`  ${name.padEnd(28)} not built: ${totalPoints} points > V1_MAX_POINTS`);
          continue;
        }
        let bytes = 0;
        let ms = 0;
        const wait = await writeWaitDuring(engine, async () => {
          const start = performance.now();
          const snapshot = await engine.snapshot({ points });
          ms = performance.now() - start;
          bytes = Buffer.byteLength(encodeEvent(snapshot));
        });
        console.log(
          `  ${name.padEnd(28)} ${mb(bytes)}, built in ${ms.toFixed(0)} ms, a write waited up to ${wait.toFixed(0)} ms`,
        );
      }
      const width = Math.ceil(size.points / COLUMNS / 16) * 16;
      const overview = {
        studyId: STUDY_ID,
        key: KEY,
        x: 'step',
        from: 0,
        to: width * COLUMNS - 1,
        columns: COLUMNS,
      } as const;
      const visible = Array.from({ length: Math.min(VISIBLE, size.trials) }, (_, t) => `trial-${t}`);
      await windows(engine, `overview, all ${size.trials} trials`, overview);
      await windows(engine, `overview, ${visible.length} visible trials`, { ...overview, trialIds: visible });
      await windows(engine, `zoom 15%, ${visible.length} visible trials`, {
        ...overview,
        from: size.points * 0.3 + 3.7,
        to: size.points * 0.45 - 1.3,
        trialIds: visible,
      });
      await windows(engine, `zoom 0.5%, ${visible.length} visible trials`, {
        ...overview,
        from: size.points * 0.5 + 0.25,
        to: size.points * 0.505,
        trialIds: visible,
      });
      console.log(`  server RSS ${mb(process.memoryUsage().rss)}`);
    } finally {
      await engine.stop();
      await dispose();
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(
    `one study: ${size.trials} trials x ${size.points} points + ${size.extraKeys} x ${size.extraPoints}; ${totalPoints} points, appends of ${size.batch}`,
  );
  await measure(pgliteBackend());
  const url = process.env.TRIALKIT_PG_URL;
  if (url) await measure(postgresBackend(url));
  else console.log('\nPostgreSQL: skipped (set TRIALKIT_PG_URL)');
}
