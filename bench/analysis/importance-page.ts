/**
 * Browser side of `npm run bench:analysis-importance`: fANOVA importance on a generated study,
 * asked of the page's Web Worker (as `<trial-param-importance>` asks it) and, as the baseline, run
 * on the main thread in the same page; with the main thread's longest stall meanwhile.
 */
import { TrialStore } from '../../src/client/store.js';
import { extractAnalysis } from '../../src/components/analysis/analysis-data.js';
import { fanovaProgram } from '../../src/components/param-importance/fanova.js';
import { importanceInput } from '../../src/components/param-importance/importance-input.js';
import { computeImportanceOffThread } from '../../src/components/param-importance/importance-worker.js';
import { ParamImportance } from '../../src/components/param-importance/param-importance.js';
import { analysisStudy } from '../../test/fixtures/analysis-study.js';

ParamImportance.define();

function storeOf(trials: number): TrialStore {
  const store = new TrialStore();
  store.applyTrusted(analysisStudy({ trials, seed: 5 }));
  store.flush();
  return store;
}

/**
 * Runs `fn` while watching the main thread: long tasks (over 50 ms) as the browser reports them,
 * and the longest gap between timer ticks (what a user's input would have waited).
 */
async function watched<T>(
  fn: () => Promise<T>,
): Promise<{ value: T; ms: number; longTasks: number[]; stall: number }> {
  const longTasks: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longTasks.push(entry.duration);
  });
  observer.observe({ type: 'longtask' });
  let stall = 0;
  let last = performance.now();
  let ticking = true;
  const tick = () => {
    const now = performance.now();
    stall = Math.max(stall, now - last);
    last = now;
    if (ticking) setTimeout(tick, 0);
  };
  setTimeout(tick, 0);
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  ticking = false;
  await new Promise((r) => setTimeout(r, 20));
  observer.disconnect();
  return { value, ms, longTasks, stall };
}

const importanceBench = {
  async run(trials: number) {
    const store = storeOf(trials);
    const data = extractAnalysis(store, store.getStudy('analysis')!, 'val_loss');
    const { input } = importanceInput(data);
    // The worker starts once per page: warm it on a small study, as a dashboard's first view would.
    await computeImportanceOffThread(
      importanceInput(extractAnalysis(storeOf(50), store.getStudy('analysis')!, 'val_loss')).input,
    );
    const worker = await watched(() => computeImportanceOffThread(input, { seed: 0 }));
    // Again, as while trials keep finishing: the workers' code is compiled by now.
    const again = await watched(() => computeImportanceOffThread(input, { seed: 1 }));
    const baseline = await watched(async () => fanovaProgram().computeImportance(input, { seed: 0 }));
    // The view end to end: mounted on the store, until its ranking shows.
    const view = await watched(async () => {
      const el = document.createElement('trial-param-importance');
      Object.assign(el, { store, study: 'analysis' });
      document.body.append(el);
      while (!el.result) await new Promise((r) => setTimeout(r, 5));
      el.remove();
      return el.result;
    });
    const top = worker.value.result.importances
      .slice(0, 3)
      .map((p) => `${p.name} ${(100 * p.importance).toFixed(0)} %`);
    return {
      rows: input.target.length,
      params: input.params.length,
      worker: {
        ms: worker.ms,
        inWorker: worker.value.result.ms,
        venue: worker.value.venue,
        workers: worker.value.workers,
        longTasks: worker.longTasks,
        stall: worker.stall,
      },
      again: { ms: again.ms, longTasks: again.longTasks, stall: again.stall },
      baseline: { ms: baseline.ms, longTasks: baseline.longTasks, stall: baseline.stall },
      view: { ms: view.ms, longTasks: view.longTasks, stall: view.stall },
      top,
    };
  },
};

Object.assign(window, { importanceBench, ready: true });
