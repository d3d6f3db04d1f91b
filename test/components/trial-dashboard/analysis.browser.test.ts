import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { TrialStore } from '../../../src/client/store.js';
import { TrialHoverEvent } from '../../../src/components/events/trial-hover-event.js';
import { TrialSelectEvent } from '../../../src/components/events/trial-select-event.js';
import type { MetricsChart } from '../../../src/components/metrics-chart/metrics-chart.js';
import type { ParallelCoords } from '../../../src/components/parallel-coords/parallel-coords.js';
import type { ParamImportance } from '../../../src/components/param-importance/param-importance.js';
import { TrialDashboard } from '../../../src/components/trial-dashboard/trial-dashboard.js';
import type { TrialTable } from '../../../src/components/trial-table/trial-table.js';
import { analysisStudy } from '../../fixtures/analysis-study.js';

TrialDashboard.define();

async function mount(width = 1200): Promise<{ el: TrialDashboard; store: TrialStore }> {
  const store = new TrialStore();
  store.applyTrusted(analysisStudy({ trials: 150, missing: 0.1 }));
  store.flush();
  const wrapper = await fixture<HTMLDivElement>(html`<div style="width: ${width}px"></div>`);
  const el = document.createElement('trial-dashboard');
  el.store = store;
  wrapper.append(el);
  await el.updateComplete;
  return { el, store };
}

const $ = <T extends Element>(el: TrialDashboard, selector: string) =>
  el.shadowRoot!.querySelector<T>(selector)!;

/** Opens the Analysis tab from the keyboard and waits for its views to be defined and rendered. */
async function openAnalysis(el: TrialDashboard): Promise<ParallelCoords> {
  $<HTMLElement>(el, '#tab-curves').focus();
  await sendKeys({ press: 'ArrowRight' });
  await el.updateComplete;
  await customElements.whenDefined('trial-parallel-coords');
  const coords = $<ParallelCoords>(el, 'trial-parallel-coords');
  await coords.updateComplete;
  return coords;
}

describe('<trial-dashboard> Analysis view', () => {
  it('opens from the keyboard beside the curves, with the study objective analysed', async () => {
    const { el } = await mount();
    expect($(el, '#tab-curves').getAttribute('aria-selected')).to.equal('true');
    const coords = await openAnalysis(el);
    expect($(el, '#tab-analysis').getAttribute('aria-selected')).to.equal('true');
    expect(el.shadowRoot!.activeElement?.id).to.equal('tab-analysis');
    expect($(el, 'trial-metrics-chart')).to.equal(null);
    for (const tag of [
      'trial-parallel-coords',
      'trial-param-importance',
      'trial-history',
      'trial-slice-plot',
    ])
      expect($(el, tag), tag).to.not.equal(null);
    // The importance view ranks the study's params once its worker answers.
    const importance = $<ParamImportance>(el, 'trial-param-importance');
    await waitUntil(() => importance.result, 'importance computed', { timeout: 20_000 });
    expect(importance.result!.importances.length).to.be.greaterThan(5);
    expect(coords.metric).to.equal(undefined);
    expect($<HTMLSelectElement>(el, '.analysis-metric select').selectedOptions[0].textContent).to.contain(
      'val_loss (objective)',
    );
  });

  it('filters the table as an axis is brushed, and the charts emphasise the kept trials', async () => {
    const { el } = await mount();
    const coords = await openAnalysis(el);
    coords.shadowRoot!.querySelector<HTMLElement>('[data-key="param:lr"]')!.focus();
    await sendKeys({ press: 'Enter' });
    const table = $<TrialTable>(el, 'trial-table');
    await waitUntil(() => table.filters.params?.some((p) => p.name === 'lr'), 'the table takes the brush');
    $<HTMLElement>(el, '#tab-curves').click();
    await el.updateComplete;
    const chart = $<MetricsChart>(el, 'trial-metrics-chart');
    expect(chart.highlighted.length).to.equal(coords.keptCount);
  });

  it('shares selection and hover between the views and the table', async () => {
    const { el } = await mount();
    await openAnalysis(el);
    const slices = $<HTMLElement>(el, 'trial-slice-plot');
    slices.dispatchEvent(new TrialSelectEvent(['analysis-t4'], undefined));
    await el.updateComplete;
    expect(el.selected).to.deep.equal(['analysis-t4']);
    expect($<TrialTable>(el, 'trial-table').selected).to.deep.equal(['analysis-t4']);
    expect($<ParallelCoords>(el, 'trial-parallel-coords').selected).to.deep.equal(['analysis-t4']);
    $<HTMLElement>(el, 'trial-history').dispatchEvent(new TrialHoverEvent('analysis-t9'));
    await el.updateComplete;
    expect($<ParallelCoords>(el, 'trial-parallel-coords').hovered).to.equal('analysis-t9');
  });

  it('analyses another metric when picked', async () => {
    const { el, store } = await mount();
    store.applyTrusted({
      v: 1,
      seq: 1,
      type: 'metrics.append',
      batches: [0, 1, 2].map((n) => ({
        trialId: `analysis-t${n}`,
        key: 'train_loss',
        steps: [0],
        values: [n],
        timestamps: [1],
      })),
    });
    store.flush();
    await el.updateComplete;
    const coords = await openAnalysis(el);
    const select = $<HTMLSelectElement>(el, '.analysis-metric select');
    expect([...select.options].map((o) => o.value)).to.deep.equal(['', 'train_loss']);
    select.value = 'train_loss';
    select.dispatchEvent(new Event('change'));
    await el.updateComplete;
    expect(coords.metric).to.equal('train_loss');
    await coords.updateComplete;
    expect(coords.shadowRoot!.textContent).to.contain('147 finished trials without a finite train_loss');
  });

  it("plots History against a second metric when picked: the two objectives' Pareto front", async () => {
    const { el, store } = await mount();
    const ids = [...store.trials.keys()];
    store.applyTrusted({
      v: 1,
      seq: 1,
      type: 'metrics.append',
      batches: ids.map((trialId, n) => ({
        trialId,
        key: 'latency_ms',
        steps: [0],
        values: [100 - (n % 37)],
        timestamps: [1],
      })),
    });
    store.flush();
    await el.updateComplete;
    await openAnalysis(el);
    const history = $<HTMLElement & { secondMetric?: string; secondDirection: string }>(el, 'trial-history');
    const against = $<HTMLSelectElement>(el, '.against select');
    expect(history.secondMetric).to.equal(undefined);
    expect([...against.options].map((o) => o.value)).to.deep.equal(['', 'latency_ms']);
    against.value = 'latency_ms';
    against.dispatchEvent(new Event('change'));
    await el.updateComplete;
    expect(history.secondMetric).to.equal('latency_ms');
    expect(history.secondDirection).to.equal('minimize');
    await (history as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    expect(history.shadowRoot!.textContent).to.contain('the Pareto front');
  });

  it('fits a phone: the parallel coordinates scroll sideways inside their card', async () => {
    const { el } = await mount(380);
    const coords = await openAnalysis(el);
    const scroller = coords.shadowRoot!.querySelector<HTMLElement>('[part="plot"]')!;
    expect(scroller.scrollWidth).to.be.greaterThan(scroller.clientWidth);
    expect(el.scrollWidth).to.be.at.most(380);
  });

  it('passes an axe-core accessibility check', async () => {
    const { el } = await mount();
    await openAnalysis(el);
    await customElements.whenDefined('trial-slice-plot');
    await expect(el).to.be.accessible();
  });
});
