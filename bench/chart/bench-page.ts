/**
 * Browser side of `npm run bench:chart`: uPlot and `<trial-metrics-chart>` on the same data and
 * the same canvas size. Every timing ends with a one-pixel `getImageData` on the chart's canvas,
 * which waits for the drawing to be rasterised, so both are timed to pixels, not to queued work.
 */
import uPlot from 'uplot';
import { TrialStore } from '../../src/client/store.js';
import { MetricsChart } from '../../src/components/metrics-chart/metrics-chart.js';
import type { Trial } from '../../src/protocol/index.js';
import { lossCurve, steps } from '../../test/fixtures/studies.js';

MetricsChart.define();

const WIDTH = 800;
const HEIGHT = 400;
const METRIC = 'loss';

interface Dataset {
  xs: Float64Array;
  ys: Float64Array[];
}

function dataset(series: number, points: number): Dataset {
  return {
    xs: steps(0, points),
    ys: Array.from({ length: series }, (_, i) => lossCurve(i, 0, points, points)),
  };
}

function trials(count: number): Trial[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `t${i}`,
    studyId: 's',
    number: i,
    status: 'running',
    params: {},
    tags: {},
    flags: [],
    startedAt: 0,
  }));
}

function emptyStore(count: number): TrialStore {
  const store = new TrialStore();
  store.applyTrusted({
    v: 1,
    seq: 0,
    type: 'snapshot',
    studies: [{ id: 's', name: 's', status: 'running', createdAt: 0, tags: {} }],
    trials: trials(count),
    metrics: [],
    sync: [],
  });
  store.flush();
  return store;
}

function storeOf(data: Dataset): TrialStore {
  const store = emptyStore(data.ys.length);
  data.ys.forEach((ys, i) => {
    store.appendPoints(`t${i}`, METRIC, data.xs, ys, data.xs);
  });
  store.flush();
  return store;
}

/** Reads one pixel: returns once the canvas has really been drawn. */
function flush(canvas: HTMLCanvasElement): void {
  canvas.getContext('2d')!.getImageData(canvas.width >> 1, canvas.height >> 1, 1, 1);
}

const host = document.createElement('div');
document.body.append(host);

/** Smoothing our chart applies (`--smoothing`); uPlot draws raw curves whatever it is. */
const smoothing: Pick<MetricsChart, 'smoothing' | 'smoothingKind'> = { smoothing: 0, smoothingKind: 'ema' };
function setSmoothing(kind: MetricsChart['smoothingKind'], value: number): void {
  smoothing.smoothingKind = kind;
  smoothing.smoothing = value;
}

/** Our chart, sized so that its canvas is WIDTH x HEIGHT (the legend sits below the canvas). */
function makeOurs(store: TrialStore): MetricsChart {
  const chart = new MetricsChart();
  chart.style.cssText = `width:${WIDTH}px;height:auto;display:flex;flex-direction:column`;
  chart.theme = 'light';
  chart.store = store;
  chart.metric = METRIC;
  Object.assign(chart, smoothing);
  return chart;
}

const ourCanvas = (chart: MetricsChart) => chart.shadowRoot!.querySelector<HTMLCanvasElement>('canvas.main')!;

function uplotOptions(series: number): uPlot.Options {
  return {
    width: WIDTH,
    height: HEIGHT,
    scales: { x: { time: false } },
    series: [
      {},
      // uPlot's default width (1 CSS pixel): the target is uPlot as it ships.
      ...Array.from({ length: series }, (_, i) => ({ label: `t${i}`, stroke: '#4e79a7' })),
    ],
  };
}

const uplotCanvas = (u: uPlot) => u.root.querySelector('canvas')!;

const styleSheet = document.createElement('style');
// The plot area of our chart gets a fixed height so its canvas matches uPlot's.
styleSheet.textContent = `trial-metrics-chart::part(plot) { flex: none; height: ${HEIGHT}px; }`;
document.head.append(styleSheet);

async function coldOurs(store: TrialStore): Promise<number> {
  const t0 = performance.now();
  const chart = makeOurs(store);
  host.append(chart);
  await chart.updateComplete;
  flush(ourCanvas(chart));
  const t1 = performance.now();
  chart.remove();
  return t1 - t0;
}

async function coldUplot(data: Dataset): Promise<number> {
  const t0 = performance.now();
  let drawn!: () => void;
  const done = new Promise<void>((r) => {
    drawn = r;
  });
  const opts = uplotOptions(data.ys.length);
  opts.hooks = { draw: [() => drawn()] };
  const u = new uPlot(opts, [data.xs, ...data.ys] as unknown as uPlot.AlignedData, host);
  await done;
  flush(uplotCanvas(u));
  const t1 = performance.now();
  u.destroy();
  return t1 - t0;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const pause = () => new Promise((r) => setTimeout(r, 20));

/** Cold render of `series` x `points`, `runs` times each (plus a warm-up), alternating order. */
async function cold(series: number, points: number, runs: number) {
  const data = dataset(series, points);
  const store = storeOf(data);
  const ours: number[] = [];
  const theirs: number[] = [];
  await coldOurs(store);
  await coldUplot(data);
  for (let i = 0; i < runs; i++) {
    await pause();
    if (i % 2) ours.push(await coldOurs(store));
    else theirs.push(await coldUplot(data));
    await pause();
    if (i % 2) theirs.push(await coldUplot(data));
    else ours.push(await coldOurs(store));
  }
  const ourCanvasSize = await canvasSizes(store, data);
  return {
    ours: median(ours),
    uplot: median(theirs),
    oursMin: Math.min(...ours),
    uplotMin: Math.min(...theirs),
    ...ourCanvasSize,
  };
}

/** The canvas sizes both charts end up with (to check they match). */
async function canvasSizes(store: TrialStore, data: Dataset) {
  const chart = makeOurs(store);
  host.append(chart);
  await chart.updateComplete;
  const a = ourCanvas(chart);
  const u = new uPlot(
    uplotOptions(data.ys.length),
    [data.xs, ...data.ys] as unknown as uPlot.AlignedData,
    host,
  );
  await new Promise((r) => setTimeout(r));
  const b = uplotCanvas(u);
  const sizes = { oursCanvas: `${a.width}x${a.height}`, uplotCanvas: `${b.width}x${b.height}` };
  chart.remove();
  u.destroy();
  return sizes;
}

/**
 * Live: `series` series each receive `perFrame` points per frame for `frames` frames, starting
 * empty. Ours: append to the store and deliver (one commit); uPlot: `setData` in a batch (its
 * synchronous commit). Returns per-frame times.
 */
async function live(series: number, perFrame: number, frames: number) {
  const total = perFrame * frames;
  const data = dataset(series, total);
  const ts = data.xs;

  const store = emptyStore(series);
  const chart = makeOurs(store);
  host.append(chart);
  await chart.updateComplete;
  const canvas = ourCanvas(chart);
  const ours: number[] = [];
  // Work outside the timed appends (a full paint spread over the next frames) shows as long tasks.
  const tasks: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) tasks.push(entry.duration);
  });
  observer.observe({ type: 'longtask' });
  for (let f = 0; f < frames; f++) {
    const from = f * perFrame;
    const to = from + perFrame;
    const t0 = performance.now();
    for (let s = 0; s < series; s++) {
      store.appendPoints(
        `t${s}`,
        METRIC,
        data.xs.subarray(from, to),
        data.ys[s].subarray(from, to),
        ts.subarray(from, to),
      );
    }
    store.flush();
    flush(canvas);
    ours.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r));
  }
  await new Promise((r) => setTimeout(r, 200));
  observer.disconnect();
  chart.remove();

  const u = new uPlot(
    uplotOptions(series),
    [new Float64Array(0), ...data.ys.map(() => new Float64Array(0))] as unknown as uPlot.AlignedData,
    host,
  );
  await new Promise((r) => setTimeout(r));
  const ucanvas = uplotCanvas(u);
  const theirs: number[] = [];
  for (let f = 0; f < frames; f++) {
    const n = (f + 1) * perFrame;
    const t0 = performance.now();
    const frameData = [data.xs.subarray(0, n), ...data.ys.map((y) => y.subarray(0, n))];
    u.batch(() => u.setData(frameData as unknown as uPlot.AlignedData));
    flush(ucanvas);
    theirs.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r));
  }
  u.destroy();
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    ours: median(ours),
    uplot: median(theirs),
    oursTotal: sum(ours),
    uplotTotal: sum(theirs),
    oursP95: percentile(ours, 95),
    oursMax: Math.max(...ours),
    oursLongTasks: tasks.length,
    oursLongestTask: Math.max(0, ...tasks),
    uplotP95: percentile(theirs, 95),
  };
}

/**
 * Event-to-pixel latency: protocol events (validated, as from a network source) carrying
 * `rate` points per second over `series` series, for `seconds`. Latency runs from `store.apply`
 * to the moment the chart's commit has drawn and a pixel read returned.
 */
async function latency(series: number, rate: number, seconds: number) {
  const store = emptyStore(series);
  const chart = makeOurs(store);
  host.append(chart);
  await chart.updateComplete;
  const canvas = ourCanvas(chart);
  const pending: number[] = [];
  const latencies: number[] = [];
  // Subscribed after the chart, so this runs once the chart has committed the same change.
  store.subscribe(() => {
    flush(canvas);
    const now = performance.now();
    for (const t of pending) latencies.push(now - t);
    pending.length = 0;
  });
  // Points are sent by the clock, not per tick, so a late timer sends more instead of fewer.
  const tickMs = 10;
  let step = 0;
  let seq = 1;
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.floor((rate * (performance.now() - start)) / 1000 / series) - step;
      if (due > 0) {
        const stepsNow = Array.from({ length: due }, (_, i) => step + i);
        const batches = Array.from({ length: series }, (_, s) => ({
          trialId: `t${s}`,
          key: METRIC,
          steps: stepsNow,
          values: Array.from(lossCurve(s, step, due, 100_000)),
          timestamps: stepsNow,
        }));
        step += due;
        pending.push(performance.now());
        store.apply({ v: 1, seq: seq++, type: 'metrics.append', batches });
      }
      if (performance.now() - start > seconds * 1000) {
        clearInterval(timer);
        setTimeout(resolve, 100);
      }
    }, tickMs);
  });
  chart.remove();
  return {
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    max: Math.max(...latencies),
    events: latencies.length,
    points: step * series,
    seconds: (performance.now() - start - 100) / 1000,
  };
}

/**
 * Hover emphasis over `series` x `points`: from a legend entry's pointerenter to pixels with that
 * curve emphasised and the others dimmed, and back; uPlot's counterpart is `setSeries(i, { focus })`
 * with its focus alpha (it redraws every series).
 */
async function hover(series: number, points: number, runs: number) {
  const data = dataset(series, points);
  const store = storeOf(data);
  const chart = makeOurs(store);
  host.append(chart);
  await chart.updateComplete;
  await new Promise((r) => setTimeout(r, 100));
  const canvas = ourCanvas(chart);
  const layer = chart.shadowRoot!.querySelector<HTMLCanvasElement>('canvas.emphasis')!;
  const frame = () => new Promise((r) => requestAnimationFrame(r));
  const ours: number[] = [];
  const picked: number[] = [];
  for (let i = 0; i < runs; i++) {
    // The legend lists the first entries of a large study: hover those, and the same series in uPlot.
    const buttons = chart.shadowRoot!.querySelectorAll<HTMLElement>('[part="legend-item"]');
    const button = buttons[(i * 7) % buttons.length];
    picked.push(Number(button.dataset.trial!.slice(1)));
    for (const type of ['pointerenter', 'pointerleave']) {
      await frame();
      const t0 = performance.now();
      button.dispatchEvent(new PointerEvent(type));
      await frame();
      flush(canvas);
      flush(layer);
      ours.push(performance.now() - t0);
    }
  }
  chart.remove();
  const opts = uplotOptions(series);
  opts.focus = { alpha: 0.2 };
  let drawn = () => {};
  opts.hooks = { draw: [() => drawn()] };
  const u = new uPlot(opts, [data.xs, ...data.ys] as unknown as uPlot.AlignedData, host);
  await new Promise((r) => setTimeout(r, 100));
  const ucanvas = uplotCanvas(u);
  const theirs: number[] = [];
  for (let i = 0; i < runs; i++) {
    for (const focus of [true, false]) {
      await frame();
      const t0 = performance.now();
      const redrawn = new Promise<void>((r) => {
        drawn = r;
      });
      // uPlot releases focus by focusing "all" (null).
      u.setSeries(focus ? 1 + picked[i] : (null as unknown as number), { focus: true });
      await redrawn;
      flush(ucanvas);
      theirs.push(performance.now() - t0);
    }
  }
  u.destroy();
  return {
    ours: median(ours),
    uplot: median(theirs),
    oursMax: Math.max(...ours),
    uplotMax: Math.max(...theirs),
  };
}

Object.assign(window, { bench: { cold, live, latency, hover, setSmoothing }, ready: true });
