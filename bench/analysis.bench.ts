/**
 * `npm run bench:analysis`: the analysis views in headless Chromium. 10,000 finished trials × 12
 * hyperparameters (3 log, 6 linear or integer, 3 categorical): `<trial-parallel-coords>` first
 * draw and brush frames against a plain SVG rendering of the same lines in the same page (targets:
 * first draw < 100 ms, every brush frame < 16 ms, no long task); then each view opening on 100,000
 * trials and what it says about aggregating. `--frames N` shortens the brush run (default 240).
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { withPage } from './chart/harness.js';

const framesArg = process.argv.indexOf('--frames');
const frames = framesArg > 0 ? Number(process.argv[framesArg + 1]) : 240;
const entry = fileURLToPath(new URL('./analysis/bench-page.ts', import.meta.url));
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
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
await withPage({ entry, viewport: { width: 1260, height: 900 } }, async (page) => {
  const parts = (await page.evaluate('bench.parts(10000)')) as Record<string, number>;
  console.log(
    `first draw parts: extract ${fmt(parts.extract)}, axes ${fmt(parts.axesMs)}, colour bins ${fmt(parts.binsMs)}, line ys ${fmt(parts.ysMs)}, stroke all lines (rasterised) ${fmt(parts.strokeMs)}`,
  );
  if (process.argv.includes('--parts')) return;
  type First = { ours: number; oursFrame: number; svg: number; svgFrame: number };
  const first = (await page.evaluate('bench.firstDraw(10000, 5)')) as First;
  console.log(
    `first draw, 10,000 trials x 12 params   ours ${fmt(first.ours)} (to next frame ${fmt(first.oursFrame)})  SVG ${fmt(first.svg)} (to next frame ${fmt(first.svgFrame)})  ratio ${ratio(first.ours, first.svg)}  (target < 100 ms: ${verdict(first.ours < 100)})`,
  );
  type Side = {
    median: number;
    p95: number;
    max: number;
    frameP50: number;
    frameP95: number;
    longTasks: number;
  };
  const brush = (await page.evaluate(`bench.brush(10000, ${frames})`)) as {
    kept: number;
    ours: Side;
    svg: Side;
  };
  const line = (name: string, s: Side) =>
    `${name} handler median ${fmt(s.median)} p95 ${fmt(s.p95)} max ${fmt(s.max)}; frame interval p50 ${fmt(s.frameP50)} p95 ${fmt(s.frameP95)}; long tasks ${s.longTasks}`;
  console.log(`brush lr axis, ${frames} frames (ends keeping ${brush.kept.toLocaleString('en-US')} trials)`);
  console.log(
    `  ${line('ours', brush.ours)}  (target every frame < 16 ms, no long task: ${verdict(brush.ours.max < 16 && brush.ours.longTasks === 0)})`,
  );
  console.log(`  ${line('SVG ', brush.svg)}`);
  console.log(
    `  ratio ours / SVG: handler medians ${ratio(brush.ours.median, brush.svg.median)}, frame interval p50 ${ratio(brush.ours.frameP50, brush.svg.frameP50)} (the SVG's restyle and repaint happen after its handler, in the frame)`,
  );
  const open = (await page.evaluate('bench.open(100000)')) as Record<string, { ms: number; says: string }>;
  console.log('100,000 trials: each view opens');
  for (const [tag, { ms, says }] of Object.entries(open))
    console.log(`  ${tag.padEnd(22)} ${fmt(ms).padStart(9)}  says: "${says}"`);
});
console.log(missed ? `${missed} target(s) missed` : 'all targets met');
