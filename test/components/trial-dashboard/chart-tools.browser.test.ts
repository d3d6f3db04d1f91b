// The dashboard's chart tools: the smoothing kind picker and grouping (kept in the view and its
// links) and the export buttons in each chart's header.
import { aTimeout, expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { TrialStore } from '../../../src/client/store.js';
import type { MetricsChart } from '../../../src/components/metrics-chart/metrics-chart.js';
import { exportBlob } from '../../../src/components/trial-dashboard/chart-save.js';
import { TrialDashboard } from '../../../src/components/trial-dashboard/trial-dashboard.js';
import { fromQuery } from '../../../src/components/trial-dashboard/view-state.js';
import { generateSnapshot } from '../../fixtures/studies.js';

TrialDashboard.define();

function loadedStore(): TrialStore {
  const store = new TrialStore();
  store.applyTrusted(generateSnapshot({ seed: 5, studies: 1, trials: 6, steps: 40 }));
  store.flush();
  return store;
}

async function mount(props: Partial<TrialDashboard>): Promise<TrialDashboard> {
  const wrapper = await fixture<HTMLDivElement>(html`<div style="width: 1200px"></div>`);
  const el = document.createElement('trial-dashboard');
  Object.assign(el, props);
  wrapper.append(el);
  await el.updateComplete;
  return el;
}

const $ = <T extends Element = HTMLElement>(el: TrialDashboard, selector: string) =>
  el.shadowRoot!.querySelector<T>(selector)!;
const $$ = <T extends Element = HTMLElement>(el: TrialDashboard, selector: string) => [
  ...el.shadowRoot!.querySelectorAll<T>(selector),
];
const charts = (el: TrialDashboard) => $$<MetricsChart>(el, 'trial-metrics-chart');

describe('trial-dashboard chart tools', () => {
  let home: string;
  beforeEach(() => {
    home = location.href;
  });
  afterEach(() => {
    for (const el of document.querySelectorAll('trial-dashboard')) el.remove();
    history.replaceState(null, '', home);
  });

  it('smooths every chart with the slider and the kind beside it, kept in the address bar across a reload', async () => {
    const store = loadedStore();
    const el = await mount({ store, urlState: true });
    const slider = $<HTMLInputElement>(el, '[part="smoothing"] input[type="range"]');
    slider.value = '0.8';
    slider.dispatchEvent(new Event('input', { bubbles: true }));
    await el.updateComplete;
    // The kind from the keyboard: focus the picker and step down twice (Exponential → Gaussian).
    const picker = $<HTMLSelectElement>(el, '[part="smoothing"] select');
    picker.focus();
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'ArrowDown' });
    await el.updateComplete;
    expect(picker.value).to.equal('gaussian');
    expect(charts(el).length).to.be.greaterThan(0);
    for (const chart of charts(el)) {
      expect(chart.smoothing).to.equal(0.8);
      expect(chart.smoothingKind).to.equal('gaussian');
    }
    await waitUntil(() => fromQuery(location.search).smoothingKind === 'gaussian', 'kind in the address bar');
    expect(location.search).to.include('s=0.8&sk=gaussian');

    el.remove();
    const again = await mount({ store, urlState: true });
    expect(again.smoothingKind).to.equal('gaussian');
    expect($<HTMLSelectElement>(again, '[part="smoothing"] select').value).to.equal('gaussian');
    expect(charts(again).every((c) => c.smoothingKind === 'gaussian' && c.smoothing === 0.8)).to.equal(true);
  });

  it('groups every chart by a param picked in the toolbar, kept in the address bar across a reload', async () => {
    const store = loadedStore();
    const el = await mount({ store, urlState: true });
    const by = $<HTMLSelectElement>(el, '[part="grouping"] select');
    const params = [...by.options].map((o) => o.value).filter(Boolean);
    expect(params.length, 'the study params are offered').to.be.greaterThan(0);
    by.value = params[0];
    by.dispatchEvent(new Event('change', { bubbles: true }));
    await el.updateComplete;
    await waitUntil(
      () => charts(el).length > 0 && charts(el).every((c) => c.groupBy === params[0]),
      'charts grouped',
    );
    await waitUntil(
      () => charts(el).every((c) => c.shadowRoot!.querySelector('[part="legend-group"]')),
      'group legends',
    );
    const show = $$<HTMLSelectElement>(el, '[part="grouping"] select')[1];
    const medianOnly = [...show.options].find((o) => o.textContent === 'Median only')!;
    show.value = medianOnly.value;
    show.dispatchEvent(new Event('change', { bubbles: true }));
    await el.updateComplete;
    expect(charts(el).every((c) => c.groupStat === 'median' && c.groupBand === 'none')).to.equal(true);
    await waitUntil(() => fromQuery(location.search).groupStat === 'median', 'grouping in the address bar');
    expect(location.search).to.include(`g=${encodeURIComponent(params[0])}&gs=median&gb=none`);
    await expect(el).to.be.accessible();

    el.remove();
    const again = await mount({ store, urlState: true });
    expect(again.groupBy).to.equal(params[0]);
    expect(charts(again).every((c) => c.groupBy === params[0] && c.groupStat === 'median')).to.equal(true);
  });

  it('plots every chart against the x picked in the toolbar, another metric too, kept in the address bar across a reload', async () => {
    const store = loadedStore();
    const el = await mount({ store, urlState: true });
    const picker = $<HTMLSelectElement>(el, '[part="x-axis"] select');
    expect(picker.labels[0].textContent).to.contain('X axis');
    const values = [...picker.options].map((o) => o.value);
    expect(values.slice(0, 3)).to.deep.equal(['step', 'wall', 'relative']);
    const metricOption = values.find((v) => v.startsWith('metric:'))!;
    expect(metricOption, 'the study metrics are offered').to.be.a('string');
    const xMetric = metricOption.slice('metric:'.length);
    picker.value = metricOption;
    picker.dispatchEvent(new Event('change', { bubbles: true }));
    await el.updateComplete;
    await waitUntil(
      () => charts(el).length > 0 && charts(el).every((c) => c.xMetric === xMetric && c.domains),
      'charts against the metric',
    );
    const label = charts(el)[0].shadowRoot!.querySelector('.figure')!.getAttribute('aria-label');
    expect(label).to.contain(`by ${xMetric} for`);
    await waitUntil(() => fromQuery(location.search).xMetric === xMetric, 'x metric in the address bar');
    await expect(el).to.be.accessible();

    el.remove();
    const again = await mount({ store, urlState: true });
    expect(again.xMetric).to.equal(xMetric);
    expect($<HTMLSelectElement>(again, '[part="x-axis"] select').value).to.equal(metricOption);
    // Back to a time axis: the metric is dropped.
    const back = $<HTMLSelectElement>(again, '[part="x-axis"] select');
    back.value = 'relative';
    back.dispatchEvent(new Event('change', { bubbles: true }));
    await again.updateComplete;
    expect(charts(again).every((c) => c.xMetric === undefined && c.xAxis === 'relative')).to.equal(true);
    await waitUntil(() => fromQuery(location.search).xAxis === 'relative', 'x axis in the address bar');
    expect(fromQuery(location.search).xMetric).to.equal(undefined);
  });

  it('offers PNG, SVG and CSV of each chart from named buttons in its header', async () => {
    const store = loadedStore();
    const el = await mount({ store });
    await waitUntil(() => charts(el).length > 0 && charts(el).every((c) => c.domains), 'charts painted');
    const figure = $$(el, 'figure.chart')[0];
    const metric = figure.querySelector('figcaption span')!.textContent!;
    const buttons = [...figure.querySelectorAll<HTMLButtonElement>('[part="chart-export"] button')];
    expect(buttons.map((b) => b.getAttribute('aria-label'))).to.deep.equal(
      ['PNG', 'SVG', 'CSV'].map((f) => `Save ${metric} as ${f}`),
    );
    expect(buttons.every((b) => b.tabIndex === 0 && !b.disabled)).to.equal(true);
    const chart = figure.querySelector('trial-metrics-chart')!;
    const csv = await exportBlob(chart, 'csv');
    expect(csv.type).to.equal('text/csv;charset=utf-8');
    expect(await csv.text()).to.equal(await chart.toCSV());
    expect((await exportBlob(chart, 'svg')).type).to.equal('image/svg+xml;charset=utf-8');
    expect((await exportBlob(chart, 'png')).type).to.equal('image/png');
  });

  it('says beside the export buttons why a chart could not be saved', async () => {
    const el = await mount({ store: loadedStore() });
    await waitUntil(() => charts(el).length > 0 && charts(el).every((c) => c.domains), 'charts painted');
    const figure = $$(el, 'figure.chart')[0];
    const [, svg, csv] = [...figure.querySelectorAll<HTMLButtonElement>('[part="chart-export"] button')];
    const status = figure.querySelector('figcaption output')!;
    // The export's code could not be loaded (a deployment replaced it, the network went).
    const chart = figure.querySelector('trial-metrics-chart')!;
    chart.toSVG = () => Promise.reject(new Error('Failed to fetch dynamically imported module'));
    svg.click();
    await waitUntil(() => status.textContent !== '', 'the failure said');
    expect(status.textContent).to.equal('Could not save SVG: Failed to fetch dynamically imported module');
    // The next export that works clears it.
    csv.click();
    await waitUntil(() => status.textContent === '', 'the failure cleared');
  });

  it('has no axe violations with the smoothing picker and export buttons shown', async () => {
    const store = loadedStore();
    const el = await mount({ store, smoothing: 0.6, smoothingKind: 'running' });
    await aTimeout(50);
    await expect(el).to.be.accessible();
  });
});
