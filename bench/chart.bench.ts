/**
 * `npm run bench:chart`: `<trial-metrics-chart>` against uPlot in headless Chromium, same data and
 * canvas size: (a) cold render of 166,650 points, (b) 200 series x 10,000 points, (c) live appends
 * of 10 points per series per frame to 200 series for 600 frames, and the event-to-pixel latency
 * at 10,000 points/s, and (d) hover emphasis over 200 curves against uPlot's series focus. Prints
 * medians and ratios (ours / uPlot) against the targets; the live ratio compares total time over
 * the timed appends (a median would hide full repaints). A full paint spread over the next frames
 * runs outside those timings: the live case also counts long tasks over the whole run, so no frame
 * over 50 ms can hide there.
 * `--frames N` shortens the live run (default 600) when the machine is too busy for the full one.
 * `--smoothing KIND:W` (e.g. `gaussian:0.9`) smooths our curves (uPlot's stay raw): the cost of
 * smoothing and of the faint raw curves, against the same uPlot baseline.
 */
import { fileURLToPath } from 'node:url';
import { withPage } from './chart/harness.js';

const framesArg = process.argv.indexOf('--frames');
const frames = framesArg > 0 ? Number(process.argv[framesArg + 1]) : 600;
const entry = fileURLToPath(new URL('./chart/bench-page.ts', import.meta.url));
const smoothingArg = process.argv.indexOf('--smoothing');
const [smoothingKind, smoothingWeight] =
  smoothingArg > 0 ? process.argv[smoothingArg + 1].split(':') : ['ema', '0'];
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
let missed = 0;
const verdict = (ok: boolean) => {
  if (!ok) missed++;
  return ok ? 'ok' : 'MISSED';
};

await withPage({ entry, viewport: { width: 1000, height: 900 } }, async (page) => {
  type Cold = {
    ours: number;
    uplot: number;
    oursMin: number;
    uplotMin: number;
    oursCanvas: string;
    uplotCanvas: string;
  };
  await page.evaluate(`bench.setSmoothing(${JSON.stringify(smoothingKind)}, ${Number(smoothingWeight)})`);
  if (Number(smoothingWeight) > 0) console.log(`our curves smoothed: ${smoothingKind} ${smoothingWeight}`);
  const best = (c: Cold) => `(best of runs: ours ${fmt(c.oursMin)}, uPlot ${fmt(c.uplotMin)})`;
  const coldA = (await page.evaluate('bench.cold(1, 166650, 15)')) as Cold;
  console.log(
    `(a) cold 1 x 166,650 points      ours ${fmt(coldA.ours)}  uPlot ${fmt(coldA.uplot)}  ratio ${ratio(coldA.ours, coldA.uplot)}  (target <= 1.25x: ${verdict(coldA.ours <= 1.25 * coldA.uplot)})  canvas ${coldA.oursCanvas} vs ${coldA.uplotCanvas} ${best(coldA)}`,
  );
  const coldB = (await page.evaluate('bench.cold(200, 10000, 5)')) as Cold;
  console.log(
    `(b) cold 200 x 10,000 points     ours ${fmt(coldB.ours)}  uPlot ${fmt(coldB.uplot)}  ratio ${ratio(coldB.ours, coldB.uplot)}  (target <= 1x: ${verdict(coldB.ours <= coldB.uplot)}) ${best(coldB)}`,
  );
  type Live = {
    ours: number;
    oursMax: number;
    oursLongTasks: number;
    oursLongestTask: number;
    uplot: number;
    oursTotal: number;
    uplotTotal: number;
    oursP95: number;
    uplotP95: number;
  };
  const live = (await page.evaluate(`bench.live(200, 10, ${frames})`)) as Live;
  console.log(
    `(c) live 200 x 10 pts x ${frames} fr   ours ${fmt(live.ours)}/frame (p95 ${fmt(live.oursP95)}, total ${fmt(live.oursTotal)})  uPlot ${fmt(live.uplot)}/frame (p95 ${fmt(live.uplotP95)}, total ${fmt(live.uplotTotal)})  ratio of totals ${ratio(live.oursTotal, live.uplotTotal)}, ${(live.uplotTotal / live.oursTotal).toFixed(1)}x faster  (target >= 2x faster: ${verdict(live.uplotTotal >= 2 * live.oursTotal)}; p95 < 16.7 ms: ${verdict(live.oursP95 < 16.7)}; longest frame ${fmt(live.oursMax)}, long tasks ${live.oursLongTasks} (longest ${fmt(live.oursLongestTask)}), target none over 50 ms: ${verdict(Math.max(live.oursMax, live.oursLongestTask) < 50)})`,
  );
  type Latency = { p50: number; p95: number; max: number; events: number; points: number; seconds: number };
  const lat = (await page.evaluate('bench.latency(10, 10000, 3)')) as Latency;
  console.log(
    `    event-to-pixel at ${Math.round(lat.points / lat.seconds).toLocaleString('en-US')} points/s (${lat.events} events)  p50 ${fmt(lat.p50)}  p95 ${fmt(lat.p95)}  max ${fmt(lat.max)}  (target p95 < 30 ms: ${verdict(lat.p95 < 30)})`,
  );
  type Hover = { ours: number; uplot: number; oursMax: number; uplotMax: number };
  const hover = (await page.evaluate('bench.hover(200, 10000, 10)')) as Hover;
  console.log(
    `(d) hover emphasis, 200 x 10,000  ours ${fmt(hover.ours)} (max ${fmt(hover.oursMax)}, to the next frame)  uPlot focus ${fmt(hover.uplot)} (max ${fmt(hover.uplotMax)})  ratio ${ratio(hover.ours, hover.uplot)}  (target: no full redraw, under one frame: ${verdict(hover.oursMax < 16.7 + 16.7)})`,
  );
});
console.log(missed ? `${missed} target(s) missed` : 'all targets met');
