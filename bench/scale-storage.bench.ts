// `node bench/run.mjs scale-storage`: the cost of series summaries in storage, on PGlite in a
// directory. Ingests TRIALS x POINTS points of one metric through `appendPoints` (in BATCH-point
// appends) twice in one process: with summaries, and with their maintenance switched off (the
// baseline, today's append path); then times window queries over the study: an overview aligned
// to the 16-step grid (COLUMNS columns) and a zoomed, unaligned window.
// TRIALS, POINTS, BATCH and COLUMNS in the environment size it; the defaults are small.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../src/server/seeded-random.js';
import type { ColumnarPoints, Storage } from '../src/sync/index.js';
import { openPglite } from '../src/sync/storage/pglite.js';
import { createSqlStorage } from '../src/sync/storage/sql/storage.js';

const TRIALS = Number(process.env.TRIALS ?? 20);
const POINTS = Number(process.env.POINTS ?? 10_000);
const BATCH = Number(process.env.BATCH ?? 1000);
const COLUMNS = Number(process.env.COLUMNS ?? 1000);
const STUDY = 'bench';

function curve(trial: number): ColumnarPoints {
  const random = seededRandom(trial + 1);
  const p: ColumnarPoints = {
    steps: new Float64Array(POINTS),
    values: new Float64Array(POINTS),
    timestamps: new Float64Array(POINTS),
  };
  for (let i = 0; i < POINTS; i++) {
    p.steps[i] = i;
    p.values[i] = Math.exp(-i / (POINTS / 5)) + random() * 0.05 + (random() < 1e-4 ? 10 : 0);
    p.timestamps[i] = 1_750_000_000_000 + i * 100;
  }
  return p;
}

async function ingest(
  name: string,
  summaries: boolean,
): Promise<{ storage: Storage; dir: string; rate: number }> {
  const dir = mkdtempSync(join(tmpdir(), `trialkit-bench-${name}-`));
  const storage = createSqlStorage('pglite', () => openPglite({ dataDir: dir }), { summaries });
  await storage.ready();
  await storage.upsertStudy({ id: STUDY, name: STUDY, status: 'running', createdAt: 0, tags: {} });
  let seconds = 0;
  for (let t = 0; t < TRIALS; t++) {
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
    const p = curve(t);
    const start = performance.now();
    for (let at = 0; at < POINTS; at += BATCH) {
      const end = Math.min(POINTS, at + BATCH);
      await storage.appendPoints(id, 'loss', {
        steps: p.steps.subarray(at, end),
        values: p.values.subarray(at, end),
        timestamps: p.timestamps.subarray(at, end),
      });
    }
    seconds += (performance.now() - start) / 1000;
  }
  const rate = (TRIALS * POINTS) / seconds;
  console.log(
    `${name.padEnd(22)} ${TRIALS * POINTS} points in ${seconds.toFixed(1)} s = ${Math.round(rate)} points/s`,
  );
  return { storage, dir, rate };
}

async function time(name: string, storage: Storage, query: Parameters<Storage['getSeriesWindow']>[0]) {
  const runs: number[] = [];
  let points = 0;
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    const window = await storage.getSeriesWindow(query);
    runs.push(performance.now() - start);
    points = window.series.reduce((n, s) => n + s.steps.length, 0);
  }
  runs.sort((a, b) => a - b);
  console.log(
    `${name.padEnd(22)} median ${runs[2].toFixed(0)} ms, best ${runs[0].toFixed(0)} ms, ${points} points for ${TRIALS} trials`,
  );
}

console.log(`PGlite in a directory; ${TRIALS} trials x ${POINTS} points, appends of ${BATCH}`);
const baseline = await ingest('baseline (no summary)', false);
await baseline.storage.close();
rmSync(baseline.dir, { recursive: true, force: true });
const summarised = await ingest('with summaries', true);
console.log(`with summaries / baseline = ${(summarised.rate / baseline.rate).toFixed(3)}`);
try {
  const width = Math.ceil(POINTS / COLUMNS / 16) * 16;
  await time('overview (aligned)', summarised.storage, {
    studyId: STUDY,
    key: 'loss',
    x: 'step',
    from: 0,
    to: width * COLUMNS - 1,
    columns: COLUMNS,
  });
  await time('zoom (unaligned)', summarised.storage, {
    studyId: STUDY,
    key: 'loss',
    x: 'step',
    from: POINTS * 0.3 + 3.7,
    to: POINTS * 0.45 - 1.3,
    columns: COLUMNS,
  });
} finally {
  await summarised.storage.close();
  rmSync(summarised.dir, { recursive: true, force: true });
}
