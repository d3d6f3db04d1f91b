import { expect, fixture, html, nextFrame, waitUntil } from '@open-wc/testing';
import { connectEngine } from '../../../src/client/sources/engine.js';
import { TrialStore } from '../../../src/client/store.js';
import { trialStyle } from '../../../src/components/internal/theme.js';
import { MetricsChart } from '../../../src/components/metrics-chart/metrics-chart.js';
import type { Trial } from '../../../src/protocol/index.js';
import { WindowProducer } from '../../fixtures/window-producer.js';
import { paintedNear, pointer } from './canvas-probe.js';
import { append, mountChart, range, storeWith } from './chart-store.js';

MetricsChart.define();

function trial(id: string, number: number): Trial {
  return { id, studyId: 's1', number, status: 'running', params: {}, tags: {}, flags: [], startedAt: 0 };
}

/** Tokens seen at `steps`: `perStep` a step. */
function logTokens(store: TrialStore, trialId: string, steps: number[], perStep: number): void {
  store.appendPoints(
    trialId,
    'tokens',
    steps,
    steps.map((s) => s * perStep),
    steps.map((s) => 1_000_000 + s * 1000),
  );
}

/** Two trials whose loss falls alike by step, t1 reading twice the tokens a step; t2 logs no tokens. */
function study(): TrialStore {
  const store = storeWith([trial('t0', 0), trial('t1', 1), trial('t2', 2)]);
  for (const id of ['t0', 't1', 't2'])
    append(
      store,
      id,
      range(0, 101),
      range(0, 101).map((s) => 1 - s / 200),
    );
  logTokens(store, 't0', range(0, 101, 10), 1000);
  logTokens(store, 't1', range(0, 101, 10), 2000);
  store.flush();
  return store;
}

/** The chart of loss against tokens. */
const chartFor = (store: TrialStore) => mountChart(store, { xMetric: 'tokens' });

const first = trialStyle(0).color;
const second = trialStyle(1).color;

describe('<trial-metrics-chart> with another metric as x', () => {
  it('places each point at the x metric of its step, names the axis after it, and leaves out trials without it', async () => {
    const el = await chartFor(study());
    // Step 55 lies between tokens logged at 50 and 60: x is linear between them.
    const t0 = el.positionOf(55_000, 1 - 55 / 200)!;
    const t1 = el.positionOf(110_000, 1 - 55 / 200)!;
    expect(paintedNear(el, t0.left, t0.top, first, 2), 't0 at 55,000 tokens').to.equal(true);
    expect(paintedNear(el, t1.left, t1.top, second, 2), 't1 at 110,000 tokens').to.equal(true);
    // Not where the step would put it.
    const byStep = el.positionOf(55, 1 - 55 / 200)!;
    expect(paintedNear(el, byStep.left, byStep.top, first, 2)).to.equal(false);
    expect(el.domains!.x[1]).to.be.at.least(200_000);
    const legend = [...el.shadowRoot!.querySelectorAll('[data-trial]')].map((e) =>
      e.getAttribute('data-trial'),
    );
    expect(legend).to.include('t0').and.include('t1').and.not.include('t2');
    expect(el.shadowRoot!.querySelector('.figure')!.getAttribute('aria-label')).to.contain(
      'loss by tokens for 2 trials',
    );
    pointer(el, 'pointermove', t0.left, t0.top);
    await nextFrame();
    const tip = el.shadowRoot!.querySelector('[part="tooltip"]')!.textContent!.replace(/\s+/g, ' ');
    expect(tip).to.contain('tokens 55000').and.contain('step 55');
    // The CSV of what is on screen carries each point's x beside its step.
    const lines = (await el.toCSV()).split(/\r?\n/);
    expect(lines[0]).to.equal('trial_id,trial_name,step,timestamp,tokens,value');
    expect(lines.find((l) => l.startsWith('t0,') && l.includes(',55,'))).to.contain(',55000,0.725');
    await expect(el).to.be.accessible();
  });

  it('extends a curve live as either metric arrives, whichever comes first', async () => {
    const store = study();
    const el = await chartFor(store);
    // Loss runs ahead of tokens: those points have no x yet and are not drawn.
    append(
      store,
      't0',
      range(101, 151),
      range(101, 151).map(() => 0.2),
    );
    store.flush();
    await nextFrame();
    await nextFrame();
    const later = () => el.positionOf(140_000, 0.2)!;
    expect(paintedNear(el, later().left, later().top, first, 2)).to.equal(false);
    logTokens(store, 't0', [110, 120, 130, 140, 150], 1000);
    store.flush();
    await nextFrame();
    await nextFrame();
    expect(paintedNear(el, later().left, later().top, first, 2), 'drawn once tokens arrive').to.equal(true);
  });

  it('goes back to steps when the x metric is cleared', async () => {
    const el = await chartFor(study());
    el.xMetric = undefined;
    await el.updateComplete;
    await nextFrame();
    expect(el.domains!.x[1]).to.be.below(200);
    const p = el.positionOf(55, 1 - 55 / 200)!;
    // The three curves coincide by step; t2, without tokens, is drawn again (last, on top).
    expect(paintedNear(el, p.left, p.top, trialStyle(2).color, 2)).to.equal(true);
  });
});

describe('<trial-metrics-chart> with another metric as x, from level-of-detail windows', () => {
  it('pairs the overviews of both metrics by step: the tab holds no raw history, and a one-point spike still shows', async () => {
    const steps = range(0, 10_000);
    const p = new WindowProducer({ id: 's1', name: 'study', status: 'running', createdAt: 0, tags: {} }, [
      trial('a', 0),
    ]);
    // A flat loss with one spike at step 6,123; tokens logged every tenth step, 3 a step.
    p.append(
      'a',
      'loss',
      steps,
      steps.map((s) => (s === 6123 ? 100 : 1)),
    );
    const tokenSteps = range(0, 10_000, 10);
    p.append(
      'a',
      'tokens',
      tokenSteps,
      tokenSteps.map((s) => 3 * s),
    );
    const store = new TrialStore();
    const handle = connectEngine(store, p, { windows: true });
    try {
      const el = await fixture<MetricsChart>(
        html`<trial-metrics-chart style="width: 500px; height: 300px" theme="light"></trial-metrics-chart>`,
      );
      Object.assign(el, { store, study: 's1', metric: 'loss', xMetric: 'tokens' });
      await waitUntil(
        () => el.domains !== undefined && el.domains.y[1] >= 100,
        'the paired overview is drawn',
      );
      expect(store.getSeries('a', 'loss')?.length ?? 0, 'no raw history in the tab').to.be.below(1000);
      expect(el.domains!.x[1]).to.be.at.least(3 * 9990);
      const spike = el.positionOf(3 * 6123, 100)!;
      expect(paintedNear(el, spike.left, spike.top + 2, first, 3), 'the spike at its tokens').to.equal(true);
    } finally {
      handle.close();
    }
  });
});
