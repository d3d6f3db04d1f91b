/** The one-study stores the chart's browser tests draw from, and the chart they mount on them. */
import { fixture, html, nextFrame } from '@open-wc/testing';
import { TrialStore } from '../../../src/client/store.js';
import { MetricsChart } from '../../../src/components/metrics-chart/metrics-chart.js';
import type { Study, Trial } from '../../../src/protocol/index.js';

/** A loaded store with study `s1` (with `study`'s fields) and the given trials, no metrics yet. */
export function storeWith(trials: Trial[], study: Partial<Study> = {}): TrialStore {
  const store = new TrialStore();
  store.applyTrusted({
    v: 1,
    seq: 0,
    type: 'snapshot',
    studies: [{ id: 's1', name: 'study', status: 'running', createdAt: 0, tags: {}, ...study }],
    trials,
    metrics: [],
    sync: [],
  });
  store.flush();
  return store;
}

/** `count` running trials of study `s1`, `t0`, `t1`, …, numbered from 0, with nothing else set. */
export function runningTrials(count: number): Trial[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `t${i}`,
    studyId: 's1',
    number: i,
    status: 'running',
    params: {},
    tags: {},
    flags: [],
    startedAt: 0,
  }));
}

/** Appends `loss` points at `steps`, logged one second apart from 1,000 s on. */
export function append(store: TrialStore, trialId: string, steps: number[], values: number[]): void {
  store.appendPoints(
    trialId,
    'loss',
    steps,
    values,
    steps.map((s) => 1_000_000 + s * 1000),
  );
}

/** `from`, `from + by`, … below `to`. */
export const range = (from: number, to: number, by = 1) =>
  Array.from({ length: Math.ceil((to - from) / by) }, (_, i) => from + i * by);

/** A 500 x 300 light chart of `loss` on `store` (with `extra` set), once its first frame is painted. */
export async function mountChart(
  store: TrialStore,
  extra: Partial<MetricsChart> = {},
): Promise<MetricsChart> {
  MetricsChart.define();
  const el = await fixture<MetricsChart>(
    html`<trial-metrics-chart style="width: 500px; height: 300px" theme="light"></trial-metrics-chart>`,
  );
  Object.assign(el, { store, metric: 'loss', ...extra });
  await el.updateComplete;
  await nextFrame();
  return el;
}
