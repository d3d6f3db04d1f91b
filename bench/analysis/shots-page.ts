/**
 * The analysis screenshot page: each analysis view of a generated study (400 trials, some bad
 * input), or with `?view=dashboard` the dashboard's Analysis view. `?theme=dark|light`.
 */
import { TrialStore } from '../../src/client/store.js';
import { ParallelCoords } from '../../src/components/parallel-coords/parallel-coords.js';
import { ParamImportance } from '../../src/components/param-importance/param-importance.js';
import { SlicePlot } from '../../src/components/slice-plot/slice-plot.js';
import { TrialDashboard } from '../../src/components/trial-dashboard/trial-dashboard.js';
import { TrialHistory } from '../../src/components/trial-history/trial-history.js';
import { analysisStudy } from '../../test/fixtures/analysis-study.js';

ParallelCoords.define();
ParamImportance.define();
SlicePlot.define();
TrialHistory.define();

const params = new URL(location.href).searchParams;
const theme = (params.get('theme') ?? 'light') as 'light' | 'dark';
const store = new TrialStore();
store.applyTrusted(
  analysisStudy({ trials: Number(params.get('trials') ?? 400), missing: 0.1, bad: true, unfinished: 0.1 }),
);
store.flush();
document.body.style.background = theme === 'dark' ? '#111418' : '#ffffff';
document.body.style.padding = '12px';
const view = params.get('view') ?? 'parallel-coords';
if (view === 'dashboard') {
  TrialDashboard.define();
  const dash = document.createElement('trial-dashboard');
  Object.assign(dash, { store, theme, selected: ['analysis-t5'] });
  dash.style.cssText = '--trialkit-dashboard-table-height: 300px';
  document.body.append(dash);
  await dash.updateComplete;
  dash.shadowRoot!.querySelector<HTMLElement>('#tab-analysis')!.click();
  await new Promise((r) => setTimeout(r, 2500));
} else {
  const el = document.createElement(`trial-${view}`) as ParallelCoords;
  Object.assign(el, { store, study: 'analysis', theme, selected: ['analysis-t5'] });
  if (params.get('brush'))
    el.filters = { params: [{ name: 'lr', min: 1e-3, max: 1e-2 }], metrics: [{ key: 'val_loss', max: 0.4 }] };
  document.body.append(el);
  await el.updateComplete;
  // The importance view answers from its worker a moment later.
  const importance = el as unknown as ParamImportance | undefined;
  if (view === 'param-importance') while (!importance?.result) await new Promise((r) => setTimeout(r, 50));
}
(window as unknown as { ready: boolean }).ready = true;
