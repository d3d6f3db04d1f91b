/**
 * `npm run bench:analysis-importance` (also part of `npm run bench:analysis`): parameter importance
 * (fANOVA, 64 trees) in headless Chromium on 10,000 finished trials × 12 hyperparameters: asked of
 * the page's Web Workers (one a core, at most 4, sharing the trees) as `<trial-param-importance>`
 * asks it (targets: result in under 1 s, no main-thread task over 50 ms meanwhile), against the
 * baseline of the same computation on the main thread in the same page (its blocking time), and
 * the view end to end (mounted until its ranking shows). `--trials N` changes the study's size.
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { withPage } from './chart/harness.js';

const trialsArg = process.argv.indexOf('--trials');
const trials = trialsArg > 0 ? Number(process.argv[trialsArg + 1]) : 10_000;
const entry = fileURLToPath(new URL('./analysis/importance-page.ts', import.meta.url));
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
const tasks = (list: number[]) =>
  list.length ? `${list.length} long task(s), longest ${fmt(Math.max(...list))}` : 'no long task';
let missed = 0;
const verdict = (ok: boolean) => {
  if (!ok) missed++;
  return ok ? 'ok' : 'MISSED';
};

console.log(
  `load average before the run: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} (figures scale with it)`,
);
await withPage({ entry, viewport: { width: 1000, height: 700 } }, async (page) => {
  type Side = { ms: number; longTasks: number[]; stall: number };
  const r = (await page.evaluate(`importanceBench.run(${trials})`)) as {
    rows: number;
    params: number;
    worker: Side & { inWorker: number; venue: string; workers: number };
    again: Side;
    baseline: Side;
    view: Side;
    top: string[];
  };
  console.log(
    `fANOVA importance, ${r.rows.toLocaleString('en-US')} trials x ${r.params} params (top: ${r.top.join(', ')})`,
  );
  console.log(
    `  worker    first request to result ${fmt(r.worker.ms)} (in ${r.worker.workers} worker(s) sharing the 64 trees, their code not yet compiled; target < 1000 ms: ${verdict(r.worker.ms < 1000)}); main thread: ${tasks(r.worker.longTasks)}, longest stall ${fmt(r.worker.stall)} (target none over 50 ms: ${verdict(r.worker.longTasks.length === 0)})`,
  );
  console.log(
    `  again     as trials keep finishing: ${fmt(r.again.ms)} (target < 1000 ms: ${verdict(r.again.ms < 1000)}); main thread: ${tasks(r.again.longTasks)}, longest stall ${fmt(r.again.stall)}`,
  );
  console.log(
    `  baseline  the same on the main thread: ${fmt(r.baseline.ms)}, blocking it throughout (${tasks(r.baseline.longTasks)}, longest stall ${fmt(r.baseline.stall)})`,
  );
  console.log(
    `  view      <trial-param-importance> mounted until its ranking shows: ${fmt(r.view.ms)}; ${tasks(r.view.longTasks)}, longest stall ${fmt(r.view.stall)}`,
  );
  console.log(
    `  ratio     longest main-thread stall, worker / baseline: ${(r.worker.stall / r.baseline.stall).toFixed(3)}x`,
  );
});
console.log(missed ? `${missed} target(s) missed` : 'all targets met');
