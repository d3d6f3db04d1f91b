/**
 * Browser side of `npm run bench:analysis`: `<trial-parallel-coords>` against a plain SVG rendering
 * of the same parallel coordinates (one `<path>` per trial, coloured by the same bins, brushing by
 * toggling a class), on the same generated study, in the same page; and each analysis view opening
 * on 100,000 trials.
 */
import { TrialStore } from '../../src/client/store.js';
import { extractAnalysis } from '../../src/components/analysis/analysis-data.js';
import { sizeCanvas } from '../../src/components/analysis/canvas-surface.js';
import { binColors, objectiveBins } from '../../src/components/analysis/objective-colors.js';
import { axesOf } from '../../src/components/parallel-coords/axes.js';
import { lineSet, strokeLines } from '../../src/components/parallel-coords/paint.js';
import { ParallelCoords } from '../../src/components/parallel-coords/parallel-coords.js';
import { SlicePlot } from '../../src/components/slice-plot/slice-plot.js';
import { TrialHistory } from '../../src/components/trial-history/trial-history.js';
import { analysisStudy } from '../../test/fixtures/analysis-study.js';

ParallelCoords.define();
SlicePlot.define();
TrialHistory.define();

const WIDTH = 1200;
const HEIGHT = 320;
const nextFrame = () => new Promise<number>((r) => requestAnimationFrame(r));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];

function storeOf(trials: number, seed = 3): TrialStore {
  const store = new TrialStore();
  store.applyTrusted(analysisStudy({ trials, seed }));
  store.flush();
  return store;
}

const stage = document.createElement('div');
stage.style.cssText = `width:${WIDTH}px`;
document.body.append(stage);

/** Empties the stage and lets a frame pass, so that tearing down the last view is not timed as the next one's. */
async function clearStage(): Promise<void> {
  stage.replaceChildren();
  await nextFrame();
}

/** Mounts a view; resolves when it has rendered and painted (synchronously, in `updated`). */
async function mount<T extends HTMLElement & { updateComplete: Promise<boolean> }>(
  tag: string,
  store: TrialStore,
): Promise<{ el: T; ms: number; frameMs: number }> {
  await clearStage();
  const t0 = performance.now();
  const el = document.createElement(tag) as T;
  Object.assign(el, { store, study: 'analysis', theme: 'light' });
  stage.append(el);
  await el.updateComplete;
  const ms = performance.now() - t0;
  await nextFrame();
  return { el, ms, frameMs: performance.now() - t0 };
}

/** The SVG baseline: the same lines, one path per trial, in the same colours. */
function svgBaseline(store: TrialStore): { svg: SVGSVGElement; paths: SVGPathElement[]; at: Float32Array[] } {
  const data = extractAnalysis(store, store.getStudy('analysis')!, 'val_loss');
  const axes = axesOf(data);
  const bins = objectiveBins(data.objective, data.direction);
  const colors = binColors(false);
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('width', String(WIDTH));
  svg.setAttribute('height', String(HEIGHT));
  const style = document.createElementNS(ns, 'style');
  style.textContent =
    'path{fill:none;stroke-width:1;stroke-opacity:.55} svg.brushing path{stroke:#999;stroke-opacity:.18} svg.brushing path.kept{stroke:var(--c);stroke-opacity:.75}';
  svg.append(style);
  const xs = axes.map((_, k) => 60 + (k * (WIDTH - 120)) / (axes.length - 1));
  const y = (at: number) => (Number.isNaN(at) ? HEIGHT - 12 : 52 + (1 - at) * (HEIGHT - 82));
  const paths: SVGPathElement[] = [];
  for (let i = 0; i < data.trials.length; i++) {
    const path = document.createElementNS(ns, 'path');
    path.setAttribute(
      'd',
      axes.map((a, k) => `${k ? 'L' : 'M'}${xs[k].toFixed(1)} ${y(a.at[i]).toFixed(1)}`).join(''),
    );
    const color = bins[i] < 0 ? '#9aa3ad' : colors[bins[i]];
    path.setAttribute('stroke', color);
    path.style.setProperty('--c', color);
    svg.append(path);
    paths.push(path);
  }
  return { svg, paths, at: axes.map((a) => a.at) };
}

async function mountSvg(
  store: TrialStore,
): Promise<{ base: ReturnType<typeof svgBaseline>; ms: number; frameMs: number }> {
  await clearStage();
  const t0 = performance.now();
  const base = svgBaseline(store);
  stage.append(base.svg);
  stage.getBoundingClientRect();
  const ms = performance.now() - t0;
  await nextFrame();
  return { base, ms, frameMs: performance.now() - t0 };
}

/** Long tasks (> 50 ms) seen while `fn` runs. */
async function longTasksDuring(fn: () => Promise<void>): Promise<number> {
  let count = 0;
  const observer = new PerformanceObserver((list) => {
    count += list.getEntries().length;
  });
  observer.observe({ type: 'longtask' });
  await fn();
  await nextFrame();
  observer.disconnect();
  return count;
}

/** The lr axis's brush positions over `frames` frames: a range sweeping up and down. */
const sweep = (f: number, frames: number) => 0.15 + 0.6 * Math.abs(Math.sin((f / frames) * Math.PI * 2));

const bench = {
  /** Where the first draw's time goes: extraction, axes, colour bins, line ys, one stroke of every line. */
  async parts(trials: number) {
    const store = storeOf(trials);
    const time = <T>(fn: () => T): [T, number] => {
      const t0 = performance.now();
      const value = fn();
      return [value, performance.now() - t0];
    };
    const [data, extract] = time(() => extractAnalysis(store, store.getStudy('analysis')!, 'val_loss'));
    const [axes, axesMs] = time(() => axesOf(data));
    const [bins, binsMs] = time(() => objectiveBins(data.objective, data.direction));
    const g = {
      width: WIDTH,
      height: HEIGHT,
      xs: axes.map((_, k) => 60 + k * 90),
      top: 52,
      span: 238,
      missingY: 308,
    };
    const trialsIdx = Uint32Array.from({ length: data.trials.length }, (_, i) => i);
    const [set, ysMs] = time(() => lineSet(axes, trialsIdx, bins, g));
    const canvas = document.createElement('canvas');
    const [, strokeMs] = time(() => {
      strokeLines(sizeCanvas(canvas, WIDTH, HEIGHT), set, g, { dark: false, alpha: 0.55 });
      canvas.getContext('2d')!.getImageData(0, 0, 1, 1);
    });
    return { extract, axesMs, binsMs, ysMs, strokeMs };
  },

  /** Median first draw over `runs` fresh stores: ours (to painted canvas) and the SVG baseline (to laid out). */
  async firstDraw(trials: number, runs: number) {
    const ours: number[] = [];
    const oursFrame: number[] = [];
    const svg: number[] = [];
    const svgFrame: number[] = [];
    for (let r = 0; r < runs; r++) {
      const store = storeOf(trials, 3 + r);
      const a = await mount('trial-parallel-coords', store);
      ours.push(a.ms);
      oursFrame.push(a.frameMs);
      const b = await mountSvg(store);
      svg.push(b.ms);
      svgFrame.push(b.frameMs);
    }
    return { ours: median(ours), oursFrame: median(oursFrame), svg: median(svg), svgFrame: median(svgFrame) };
  },

  /** Brushes the lr axis for `frames` animation frames: per-frame handler time, frame intervals, long tasks. */
  async brush(trials: number, frames: number) {
    const store = storeOf(trials);
    const { el } = await mount<ParallelCoords>('trial-parallel-coords', store);
    const axis = el.shadowRoot!.querySelector<HTMLElement>('[data-key="param:lr"]')!;
    const box = axis.getBoundingClientRect();
    const clientX = box.left + box.width / 2;
    const pointer = (type: string, at: number) =>
      axis.dispatchEvent(
        new PointerEvent(type, {
          bubbles: true,
          clientX,
          clientY: box.bottom - at * box.height,
          pointerId: 1,
        }),
      );
    const handler: number[] = [];
    const intervals: number[] = [];
    let kept = 0;
    const longTasks = await longTasksDuring(async () => {
      pointer('pointerdown', 0.1);
      let last = await nextFrame();
      for (let f = 0; f < frames; f++) {
        const t0 = performance.now();
        pointer('pointermove', sweep(f, frames));
        handler.push(performance.now() - t0);
        const now = await nextFrame();
        intervals.push(now - last);
        last = now;
      }
      kept = el.keptCount ?? 0;
      pointer('pointerup', sweep(frames, frames));
    });
    // The SVG baseline, same brush path: mark kept paths, let the browser restyle and repaint.
    const { base } = await mountSvg(store);
    const svgHandler: number[] = [];
    const svgIntervals: number[] = [];
    const lr =
      base.at[
        axesOf(extractAnalysis(store, store.getStudy('analysis')!, 'val_loss')).findIndex(
          (a) => a.key === 'param:lr',
        )
      ];
    base.svg.classList.add('brushing');
    const svgLongTasks = await longTasksDuring(async () => {
      let last = await nextFrame();
      for (let f = 0; f < frames; f++) {
        const t0 = performance.now();
        const lo = 0.1;
        const hi = sweep(f, frames);
        for (let i = 0; i < base.paths.length; i++)
          base.paths[i].classList.toggle('kept', lr[i] >= lo && lr[i] <= hi);
        stage.getBoundingClientRect();
        svgHandler.push(performance.now() - t0);
        const now = await nextFrame();
        svgIntervals.push(now - last);
        last = now;
      }
    });
    return {
      kept,
      ours: {
        median: median(handler),
        p95: p95(handler),
        max: Math.max(...handler),
        frameP50: median(intervals),
        frameP95: p95(intervals),
        longTasks,
      },
      svg: {
        median: median(svgHandler),
        p95: p95(svgHandler),
        max: Math.max(...svgHandler),
        frameP50: median(svgIntervals),
        frameP95: p95(svgIntervals),
        longTasks: svgLongTasks,
      },
    };
  },

  /** Opens each view on `trials` trials: time to painted, and what the view says about aggregating. */
  async open(trials: number) {
    const store = storeOf(trials);
    const out: Record<string, { ms: number; says: string }> = {};
    for (const tag of ['trial-parallel-coords', 'trial-slice-plot', 'trial-history']) {
      const { el, ms } = await mount(tag, store);
      const summary = el.shadowRoot!.querySelector('.summary')?.textContent ?? '';
      const notes = el.shadowRoot!.querySelector('.notes li')?.textContent ?? '';
      const says = /sample|density/i.test(summary)
        ? summary
        : /sample|density/i.test(notes)
          ? notes
          : summary;
      out[tag] = { ms, says: says.replace(/\s+/g, ' ').trim() };
    }
    return out;
  },
};

Object.assign(window, { bench, ready: true });
