import { expect, fixture, html } from '@open-wc/testing';
import { TrialStore } from '../../src/client/store.js';
import type { TrialDashboard } from '../../src/components/trial-dashboard/trial-dashboard.js';
import { generateSnapshot } from '../fixtures/studies.js';

type Chart = HTMLElement & { store?: TrialStore; metric?: string; updateComplete: Promise<boolean> };

// Only the entry a page imports, loaded by the first test: nothing else here registers a tag.
describe("import 'trialkit/define'", () => {
  it('registers the dashboard, run list and table at once, and the chart once its code arrives, keeping what was set on a chart made before', async () => {
    const early = document.createElement('trial-metrics-chart') as Chart;
    const store = new TrialStore();
    early.store = store;
    early.metric = 'loss';
    document.body.append(early);
    expect(customElements.get('trial-metrics-chart')).to.equal(undefined);

    await import('../../src/components/define.js');
    expect(customElements.get('trial-dashboard')).to.be.a('function');
    expect(customElements.get('trial-run-list')).to.be.a('function');
    expect(customElements.get('trial-table')).to.be.a('function');

    const ChartClass = await customElements.whenDefined('trial-metrics-chart');
    expect(early instanceof ChartClass).to.equal(true);
    // Lit applies what was set before the upgrade at the first update.
    await early.updateComplete;
    // Compared as a boolean: chai's message for two stores would print their whole contents.
    expect(early.store === store).to.equal(true);
    expect(early.metric).to.equal('loss');
    early.remove();
  });

  it("a dashboard's updateComplete waits for the chart", async () => {
    const store = new TrialStore();
    store.applyTrusted(generateSnapshot({ seed: 5, studies: 1, trials: 4, steps: 30 }));
    const wrapper = await fixture<HTMLDivElement>(html`<div style="width: 1000px"></div>`);
    const dashboard = document.createElement('trial-dashboard') as TrialDashboard;
    dashboard.store = store;
    wrapper.append(dashboard);
    await dashboard.updateComplete;
    const charts = [...dashboard.shadowRoot!.querySelectorAll<Chart>('trial-metrics-chart')];
    expect(charts.length).to.be.greaterThan(0);
    for (const chart of charts) {
      expect(chart instanceof customElements.get('trial-metrics-chart')!).to.equal(true);
      await chart.updateComplete;
      expect(chart.store === store).to.equal(true);
      expect(chart.shadowRoot!.querySelector('canvas')).to.not.equal(null);
    }
  });
});
