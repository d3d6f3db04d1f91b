/**
 * The table benchmark's page, bundled by `bench/table.bench.ts` and driven by it in headless
 * Chromium. Each step is a function on `window.tableBench` returning its figures, so the driver
 * prints them as they come and a step never measures the one before it.
 */
import { html, render } from 'lit';
import { TrialStore } from '../../src/client/store.js';
import { RunList } from '../../src/components/run-list/run-list.js';
import { TrialTable } from '../../src/components/trial-table/trial-table.js';
import type { Trial } from '../../src/protocol/events.js';
import { studies, studySnapshot } from '../../test/fixtures/studies.js';

RunList.define();
TrialTable.define();

const TRIALS = 100_000;
const STUDY = 'bench';
const SORT_METRIC = 'val_loss';
const FILTER = { name: 'dropout', min: 0.1, max: 0.3 };

let store: TrialStore;
let table: TrialTable;

const frame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));
/** Resolves after the next frame has been rendered (a task queued from rAF runs after paint). */
const painted = () =>
  new Promise<void>((resolve) =>
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve();
      channel.port2.postMessage(0);
    }),
  );

async function timed(act: () => void | Promise<void>): Promise<number> {
  const start = performance.now();
  await act();
  await table.updateComplete;
  await painted();
  return performance.now() - start;
}

/** Median, 95th percentile and maximum. */
function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { median: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] ?? 0, count: values.length };
}

const longTasks: PerformanceEntry[] = [];
new PerformanceObserver((list) => longTasks.push(...list.getEntries())).observe({ type: 'longtask' });

/** Long tasks that started within [from, to]. */
function longTasksBetween(from: number, to: number) {
  const tasks = longTasks.filter((t) => t.startTime >= from && t.startTime <= to).map((t) => t.duration);
  return { count: tasks.length, max: Math.max(0, ...tasks), over50: tasks.filter((d) => d > 50).length };
}

/** Resolves in a task posted now: after the current frame's style, layout and paint. */
const afterRender = () =>
  new Promise<number>((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve(performance.now());
    channel.port2.postMessage(0);
  });

/**
 * Runs `duration` ms of frames, scrolling by `step` px per frame. Per frame it records the interval
 * since the last frame and the frame's main-thread work: from the frame's start (the rAF
 * timestamp, before scroll events and Lit's update) to a task posted from the rAF callback, which
 * runs once the frame's script, style, layout and paint are done.
 */
async function scrollFor(
  duration: number,
  step: number,
  grid = table.shadowRoot!.querySelector<HTMLElement>('[role="grid"]')!,
) {
  const intervals: number[] = [];
  const work: number[] = [];
  const start = performance.now();
  let last = await frame();
  let direction = 1;
  while (performance.now() - start < duration) {
    const now = await frame();
    intervals.push(now - last);
    last = now;
    const top = grid.scrollTop + step * direction;
    if (top + grid.clientHeight >= grid.scrollHeight || top <= 0) direction = -direction;
    grid.scrollTop = top;
    work.push((await afterRender()) - now);
  }
  const end = performance.now();
  return {
    intervals: stats(intervals),
    work: stats(work),
    dropped: intervals.filter((i) => i > 25).length,
    long: longTasksBetween(start, end),
  };
}

async function setup() {
  const start = performance.now();
  store = new TrialStore();
  store.applyTrusted(studySnapshot({ trials: TRIALS, params: 20, points: 4, studyId: STUDY, name: 'bench' }));
  store.flush();
  const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
  return {
    trials: store.trialsOf(STUDY).length,
    params: Object.keys(store.trialsOf(STUDY)[0].params).length,
    metrics: store.metricKeys(STUDY).length,
    ms: performance.now() - start,
    heapMB: memory ? Math.round(memory.usedJSHeapSize / 2 ** 20) : undefined,
  };
}

async function firstRender() {
  table = document.createElement('trial-table');
  table.style.setProperty('--trialkit-table-height', '720px');
  const ms = await timed(() => {
    table.store = store;
    table.study = STUDY;
    document.body.append(table);
  });
  await frame();
  return { ms, domRows: table.shadowRoot!.querySelectorAll('.body [role="row"]').length };
}

/** Baseline: the first 1,000 trials as a plain, unvirtualized Lit table (1% of the data). */
async function firstRenderBaseline() {
  const host = document.createElement('div');
  document.body.append(host);
  const columns = table.shownColumns;
  const trials = store.trialsOf(STUDY).slice(0, 1000);
  const start = performance.now();
  render(
    html`<table>
      ${trials.map(
        (t: Trial) =>
          html`<tr>
            ${columns.map((c) => html`<td>${c.key ? String(t.params[c.key] ?? store.getSeries(t.id, c.key)?.last ?? '') : t.number}</td>`)}
          </tr>`,
      )}
    </table>`,
    host,
  );
  await painted();
  const ms = performance.now() - start;
  host.remove();
  return { ms };
}

const sortBy = (direction: 'asc' | 'desc') => () =>
  timed(() => {
    table.sort = [{ column: `metric:${SORT_METRIC}`, direction }];
  });

/** Baseline: Array.prototype.sort of the trial objects, reading the metric from the store. */
async function sortBaseline() {
  const trials = store.trialsOf(STUDY);
  const value = (t: Trial) => store.getSeries(t.id, SORT_METRIC)?.last ?? Number.POSITIVE_INFINITY;
  const start = performance.now();
  trials.sort((a, b) => value(a) - value(b));
  return performance.now() - start;
}

async function filter() {
  const ms = await timed(() => {
    table.filters = { params: [FILTER] };
  });
  return { ms, shown: table.rowCount };
}

/** Baseline: Array.prototype.filter of the trial objects by the same range (no sort, no render). */
async function filterBaseline() {
  const start = performance.now();
  const kept = store.trialsOf(STUDY).filter((t) => {
    const v = t.params[FILTER.name];
    return typeof v === 'number' && v >= FILTER.min && v <= FILTER.max;
  });
  return { ms: performance.now() - start, shown: kept.length };
}

const clearFilters = () =>
  timed(() => {
    table.filters = {};
  });

async function textSearch() {
  const ms = await timed(() => {
    table.filters = { text: 'lion' };
  });
  return { ms, shown: table.rowCount };
}

async function scroll() {
  return scrollFor(2000, 120);
}

/** The run list with 10,000 studies (a separate store), scrolled for 2 s. */
async function runListScroll() {
  const studyStore = new TrialStore();
  studyStore.applyTrusted({
    v: 1,
    seq: 0,
    type: 'snapshot',
    studies: studies(10_000),
    trials: [],
    metrics: [],
    sync: [],
  });
  studyStore.flush();
  const list = document.createElement('trial-run-list');
  list.style.cssText = 'position: fixed; left: 0; top: 0; width: 320px; height: 720px';
  list.store = studyStore;
  document.body.append(list);
  await list.updateComplete;
  await painted();
  const result = await scrollFor(2000, 120, list.shadowRoot!.querySelector<HTMLElement>('[role="listbox"]')!);
  const domItems = list.shadowRoot!.querySelectorAll('[role="option"]').length;
  list.remove();
  return { ...result, domItems };
}

/** 1,000 updates a second (a metric point or a status change), a fifth of them to rows on screen. */
async function liveWhileScrolling() {
  const ids = store.trialsOf(STUDY).map((t) => t.id);
  let applied = 0;
  let step = 100;
  let seq = 1;
  const contentRows: number[] = [];
  const observer = new MutationObserver((records) => {
    const rows = new Set<Element>();
    for (const r of records) {
      const node = r.target instanceof Element ? r.target : r.target.parentElement;
      const row = node?.closest('.body [role="row"]');
      if (row && row !== node) rows.add(row);
    }
    contentRows.push(rows.size);
  });
  observer.observe(table.shadowRoot!, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
  });
  const timer = setInterval(() => {
    const visible = [...table.shadowRoot!.querySelectorAll<HTMLElement>('.body [role="row"]')].map(
      (r) => r.dataset.id!,
    );
    for (let i = 0; i < 10; i++) {
      const id =
        i < 2 && visible.length
          ? visible[(applied + i) % visible.length]
          : ids[(applied * 7919 + i) % ids.length];
      if (i % 2 === 0) {
        store.appendPoints(id, SORT_METRIC, [step], [Math.random()], [Date.now()]);
      } else {
        const trial = store.getTrial(id)!;
        store.applyTrusted({
          v: 1,
          seq: seq++,
          type: 'trial.upsert',
          trial: { ...trial, status: trial.status === 'running' ? 'succeeded' : 'running' },
        });
      }
    }
    applied += 10;
    step++;
  }, 10);
  const result = await scrollFor(2000, 120);
  clearInterval(timer);
  observer.disconnect();
  return { ...result, updates: applied, rowsRerenderedPerFrame: stats(contentRows) };
}

declare global {
  interface Window {
    tableBench: Record<string, () => Promise<unknown>>;
  }
}

window.tableBench = {
  setup,
  firstRender,
  firstRenderBaseline,
  sortAscending: sortBy('asc'),
  sortDescending: sortBy('desc'),
  sortBaseline,
  filter,
  filterBaseline,
  clearFilters,
  textSearch,
  scroll,
  liveWhileScrolling,
  runListScroll,
};
