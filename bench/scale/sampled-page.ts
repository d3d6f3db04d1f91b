/**
 * The sampling baseline of `bench:scale-tab`: a `<trial-metrics-chart>` fed a fixed number of
 * evenly spaced points per curve, as MLflow's UI asks for 320, so its screenshot can stand beside
 * the level-of-detail one.
 */
import { TrialStore } from '../../src/client/store.js';
import { MetricsChart } from '../../src/components/metrics-chart/metrics-chart.js';
import type { MetricBatch, Study, Trial } from '../../src/protocol/index.js';

MetricsChart.define();

declare global {
  interface Window {
    showSampled(
      study: Study,
      trials: Trial[],
      batches: MetricBatch[],
      width: number,
      height: number,
    ): Promise<void>;
  }
}

window.showSampled = async (study, trials, batches, width, height) => {
  const store = new TrialStore();
  store.applyTrusted({
    v: 1,
    seq: 0,
    type: 'snapshot',
    studies: [study],
    trials,
    metrics: batches,
    sync: [],
  });
  const chart = document.createElement('trial-metrics-chart');
  chart.style.cssText = `display:block;width:${width}px;height:${height}px`;
  Object.assign(chart, { store, study: study.id, metric: batches[0]?.key, theme: 'light' });
  document.body.append(chart);
  await chart.updateComplete;
  await new Promise((resolve) => requestAnimationFrame(resolve));
};
