// `npm run bench:append`: live metric appends at scale. SERIES trials (default 50 and 200), each
// with POINTS points of `loss` already stored, then rounds of one single-point append per trial
// fired at once through the engine's `appendMetrics` (as the live part of `scale-tab` does),
// each round awaited before the next. Printed per store (PGlite in memory, PGlite in a directory,
// PostgreSQL with TRIALKIT_PG_URL) and per write path, all in this process: ms per append,
// appends/s, and a round's p50/p95/max latency. The paths: today's (each append its own
// transaction, written through to the chunks and summaries at once), the same with summaries off
// (the old baseline), the small tail alone, group commit alone, and both (the default); `PATHS`
// picks some of them by index.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSyncEngine, type Storage } from '../src/sync/index.js';
import { openPglite } from '../src/sync/storage/pglite.js';
import { openPostgres } from '../src/sync/storage/postgres.js';
import { createSqlStorage, type SqlDriver, type SqlStorageOptions } from '../src/sync/storage/sql/storage.js';

const SIZES = (process.env.SERIES ?? '50,200').split(',').map(Number);
const POINTS = Number(process.env.POINTS ?? 10_000);
/** Rounds of the paths that write every append through (steady from the first round). */
const ROUNDS_EAGER = Number(process.env.ROUNDS_EAGER ?? 20);
/** Rounds of the paths with a tail: enough for every series' tail to fill and flush twice. */
const ROUNDS_TAIL = Number(process.env.ROUNDS_TAIL ?? 300);
const STUDY = 'append';

interface Path {
  name: string;
  store: SqlStorageOptions;
  group: boolean;
}
const PATHS: Path[] = [
  { name: "today's (per-append tx, write-through)", store: { tailPoints: 0 }, group: false },
  { name: 'today, summaries off', store: { tailPoints: 0, summaries: false }, group: false },
  { name: 'tail only', store: {}, group: false },
  { name: 'group commit only', store: { tailPoints: 0 }, group: true },
  { name: 'tail + group commit (new default)', store: {}, group: true },
  { name: 'tail + group commit, summaries off', store: { summaries: false }, group: true },
];

/** `PATHS=0,4`: only those paths (indices into the list above); all by default. */
const ONLY = process.env.PATHS?.split(',').map(Number);
const paths = ONLY ? PATHS.filter((_, i) => ONLY.includes(i)) : PATHS;

interface Backend {
  name: string;
  open(options: SqlStorageOptions): { storage: Storage; dispose(): Promise<void> };
}

const backends: Backend[] = [
  {
    name: 'PGlite (memory)',
    open(options) {
      const storage = createSqlStorage('pglite', () => openPglite(), options);
      return { storage, dispose: () => storage.close() };
    },
  },
  {
    name: 'PGlite (dir)',
    open(options) {
      const dir = mkdtempSync(join(tmpdir(), 'trialkit-append-'));
      const storage = createSqlStorage('pglite', () => openPglite({ dataDir: dir }), options);
      return {
        storage,
        async dispose() {
          await storage.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
];
const pgUrl = process.env.TRIALKIT_PG_URL;
if (pgUrl) {
  let n = 0;
  backends.push({
    name: 'PostgreSQL',
    open(options) {
      const schema = `append_${process.pid}_${n++}`;
      const open = (): Promise<SqlDriver> => openPostgres({ connectionString: pgUrl, schema });
      const storage = createSqlStorage('postgres', open, options);
      return {
        storage,
        async dispose() {
          await storage.close();
          const { default: pg } = await import('pg');
          const client = new pg.Client({ connectionString: pgUrl });
          await client.connect();
          await client.query(`DROP SCHEMA "${schema}" CASCADE`);
          await client.end();
        },
      };
    },
  });
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

/** The existing points of every trial, written straight to the store in bulk. */
async function setup(storage: Storage, trials: number): Promise<void> {
  await storage.upsertStudy({ id: STUDY, name: STUDY, status: 'running', createdAt: 1.75e12, tags: {} });
  const steps = Float64Array.from({ length: POINTS }, (_, i) => i);
  const points = {
    steps,
    values: steps.map((s) => Math.exp(-s / 5000)),
    timestamps: steps.map((s) => 1.75e12 + s * 100),
  };
  for (let t = 0; t < trials; t++) {
    const id = `trial-${t}`;
    await storage.upsertTrial({
      id,
      studyId: STUDY,
      number: t,
      status: 'running',
      params: {},
      tags: {},
      flags: [],
    });
    await storage.appendPoints(id, 'loss', points);
  }
}

interface Result {
  msPerAppend: number;
  perSecond: number;
  p50: number;
  p95: number;
  max: number;
}

async function run(backend: Backend, path: Path, trials: number): Promise<Result> {
  const { storage, dispose } = backend.open(path.store);
  try {
    await setup(storage, trials);
    const engine = createSyncEngine({ storage, enabled: false, groupAppends: path.group });
    const rounds = path.store.tailPoints === 0 ? ROUNDS_EAGER : ROUNDS_TAIL;
    const latencies: number[] = [];
    const start = performance.now();
    for (let r = 0; r < rounds; r++) {
      const step = POINTS + r;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: trials }, (_, t) =>
          engine.appendMetrics(`trial-${t}`, 'loss', [
            { step, value: 1 / (step + 1), timestamp: Date.now() },
          ]),
        ),
      );
      latencies.push(performance.now() - t0);
    }
    const elapsed = performance.now() - start;
    latencies.sort((a, b) => a - b);
    return {
      msPerAppend: elapsed / (rounds * trials),
      perSecond: (rounds * trials * 1000) / elapsed,
      p50: pct(latencies, 0.5),
      p95: pct(latencies, 0.95),
      max: latencies[latencies.length - 1],
    };
  } finally {
    await dispose();
  }
}

console.log(
  `live appends: SERIES ${SIZES.join(', ')} x ${POINTS} stored points; one single-point append per series per round, ` +
    `all fired at once; ${ROUNDS_EAGER} rounds (write-through paths), ${ROUNDS_TAIL} (tail paths)`,
);
for (const backend of backends) {
  for (const trials of SIZES) {
    console.log(`\n${backend.name}, ${trials} series`);
    let today: Result | undefined;
    let baseline: Result | undefined;
    for (const path of paths) {
      const r = await run(backend, path, trials);
      if (path === PATHS[0]) today = r;
      if (path === PATHS[1]) baseline = r;
      const vs = (b: Result | undefined) => (b ? `${(b.msPerAppend / r.msPerAppend).toFixed(1)}x` : '-');
      console.log(
        `  ${path.name.padEnd(38)} ${r.msPerAppend.toFixed(3).padStart(7)} ms/append ${r.perSecond.toFixed(0).padStart(7)} appends/s` +
          `  round p50 ${r.p50.toFixed(1)} p95 ${r.p95.toFixed(1)} max ${r.max.toFixed(1)} ms` +
          `  vs today ${vs(today)}, vs summaries off ${vs(baseline)}`,
      );
    }
  }
}
