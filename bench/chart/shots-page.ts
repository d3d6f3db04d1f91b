/** Browser page for screenshots: a light and a dark chart over the same study. */
import { TrialStore } from '../../src/client/store.js';
import { MetricsChart } from '../../src/components/metrics-chart/metrics-chart.js';
import type { Trial } from '../../src/protocol/index.js';
import { lossCurve, steps } from '../../test/fixtures/studies.js';

MetricsChart.define();

const TRIALS = 8;
const POINTS = 2000;
const store = new TrialStore();
const trials: Trial[] = Array.from({ length: TRIALS }, (_, i) => ({
  id: `trial-${String(i).padStart(3, '0')}`,
  studyId: 'lr-search',
  number: i,
  status: i < 6 ? 'succeeded' : 'running',
  params: {},
  tags: {},
  flags: i === 2 ? ['spectral_norm'] : [],
  startedAt: 1_700_000_000_000,
}));
store.applyTrusted({
  v: 1,
  seq: 0,
  type: 'snapshot',
  studies: [{ id: 'lr-search', name: 'lr search', status: 'running', createdAt: 0, tags: {} }],
  trials,
  metrics: [],
  sync: [],
});
for (const trial of trials) {
  const n = trial.status === 'running' ? POINTS - 400 * (trial.number - 5) : POINTS;
  const values = lossCurve(trial.number, 0, n, POINTS);
  if (trial.number === 4) values.fill(Number.NaN, 900, 960);
  const xs = steps(0, n);
  store.appendPoints(
    trial.id,
    'val_loss',
    xs,
    values,
    Array.from(xs, (s) => 1_700_000_000_000 + s * 1500),
  );
}
store.flush();

for (const theme of ['light', 'dark'] as const) {
  const wrap = document.createElement('div');
  wrap.id = theme;
  wrap.style.cssText = `width: 760px; padding: 12px; background: ${theme === 'dark' ? '#111418' : '#fff'}`;
  const chart = new MetricsChart();
  chart.theme = theme;
  chart.store = store;
  chart.metric = 'val_loss';
  chart.highlightFlag = 'spectral_norm';
  chart.style.height = '380px';
  wrap.append(chart);
  document.body.append(wrap);
}
/** A dense chart: 200 noisy curves of 10,000 points, where curves are drawn as hairlines. */
function denseChart(): void {
  const count = 200;
  const points = 10_000;
  const dense = new TrialStore();
  const many: Trial[] = Array.from({ length: count }, (_, i) => ({ ...trials[0], id: `t${i}`, number: i }));
  dense.applyTrusted({
    v: 1,
    seq: 0,
    type: 'snapshot',
    studies: [{ id: 'lr-search', name: 'lr search', status: 'running', createdAt: 0, tags: {} }],
    trials: many,
    metrics: [],
    sync: [],
  });
  const xs = steps(0, points);
  for (const trial of many)
    dense.appendPoints(trial.id, 'val_loss', xs, lossCurve(trial.number, 0, points, points), xs);
  dense.flush();
  const wrap = document.createElement('div');
  wrap.id = 'dense';
  wrap.style.cssText = 'width: 760px; padding: 12px; background: #fff';
  const chart = new MetricsChart();
  chart.theme = 'light';
  chart.store = dense;
  chart.metric = 'val_loss';
  chart.highlighted = ['t3'];
  chart.style.cssText = 'height: 380px; --trialkit-chart-legend-height: 2em';
  wrap.append(chart);
  document.body.append(wrap);
}
denseChart();

/** A third chart fed live, a few points per frame, to see that incremental tails join cleanly. */
async function feedLive(): Promise<void> {
  const live = new TrialStore();
  live.applyTrusted({
    v: 1,
    seq: 0,
    type: 'snapshot',
    studies: [{ id: 'lr-search', name: 'lr search', status: 'running', createdAt: 0, tags: {} }],
    trials: trials.slice(0, 4),
    metrics: [],
    sync: [],
  });
  const wrap = document.createElement('div');
  wrap.id = 'live';
  wrap.style.cssText = 'width: 760px; padding: 12px; background: #fff';
  const chart = new MetricsChart();
  chart.theme = 'light';
  chart.store = live;
  chart.metric = 'val_loss';
  chart.highlightFlag = 'spectral_norm';
  chart.style.height = '300px';
  wrap.append(chart);
  document.body.append(wrap);
  for (let from = 0; from < 1000; from += 7) {
    for (const trial of trials.slice(0, 4)) {
      const values = lossCurve(trial.number, from, 7, 1000);
      const xs = steps(from, 7);
      live.appendPoints(trial.id, 'val_loss', xs, values, xs);
    }
    await new Promise((r) => requestAnimationFrame(r));
  }
}

feedLive().then(() => {
  (window as { ready?: boolean }).ready = true;
});
