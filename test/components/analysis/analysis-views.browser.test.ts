import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { TrialStore } from '../../../src/client/store.js';
import { extractAnalysis } from '../../../src/components/analysis/analysis-data.js';
import { defineAnalysisViews } from '../../../src/components/analysis/define-views.js';
import { filterMask } from '../../../src/components/analysis/filter-mask.js';
import { paretoFront } from '../../../src/components/analysis/pareto.js';
import type { TrialFilterChangeEvent } from '../../../src/components/events/trial-filter-change-event.js';
import type { TrialSelectEvent } from '../../../src/components/events/trial-select-event.js';
import {
  LINES_PER_FRAME,
  type ParallelCoords,
} from '../../../src/components/parallel-coords/parallel-coords.js';
import type { SlicePlot } from '../../../src/components/slice-plot/slice-plot.js';
import type { TrialHistory } from '../../../src/components/trial-history/trial-history.js';
import type { SnapshotEvent } from '../../../src/protocol/index.js';
import { analysisStudy } from '../../fixtures/analysis-study.js';

defineAnalysisViews();

const HOSTILE = '<img src=x onerror="window.__pwned=1">';

function storeOf(snapshot: SnapshotEvent): TrialStore {
  const store = new TrialStore({ schedule: () => {} });
  store.applyTrusted(snapshot);
  return store;
}

async function view<T extends HTMLElement>(
  tag: string,
  store: TrialStore,
  props: Record<string, unknown> = {},
): Promise<T> {
  const wrapper = await fixture<HTMLDivElement>(html`<div style="width: 900px"></div>`);
  const el = document.createElement(tag) as T & { updateComplete: Promise<boolean> };
  Object.assign(el, { store, study: 'analysis', ...props });
  wrapper.append(el);
  await el.updateComplete;
  return el;
}

const text = (el: HTMLElement) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ');

describe('<trial-parallel-coords>', () => {
  it('draws an axis per hyperparameter and one for the objective, with log and categorical axes marked', async () => {
    const el = await view<ParallelCoords>('trial-parallel-coords', storeOf(analysisStudy({ trials: 200 })));
    const axes = [...el.shadowRoot!.querySelectorAll<HTMLElement>('[part="axis"]')].map((a) => a.dataset.key);
    expect(axes).to.have.length(13);
    expect(axes.at(-1)).to.equal('metric');
    const headers = [...el.shadowRoot!.querySelectorAll('.header')].map((h) =>
      h.textContent!.replace(/\s+/g, ' '),
    );
    expect(headers.find((h) => h.includes('lr'))).to.contain('log');
    expect(headers.find((h) => h.includes('optimizer'))).to.contain('cat');
    expect(text(el)).to.contain('200 finished trials');
  });

  it('brushes an axis from the keyboard and raises filters that keep the same trials in the table', async () => {
    const store = storeOf(analysisStudy({ trials: 300 }));
    const el = await view<ParallelCoords>('trial-parallel-coords', store);
    const lr = el.shadowRoot!.querySelector<HTMLElement>('[data-key="param:lr"]')!;
    lr.focus();
    const raised = oneEvent(el, 'trial-filter-change') as Promise<TrialFilterChangeEvent>;
    await sendKeys({ press: 'Enter' });
    const { filters } = await raised;
    const range = filters.params!.find((p) => p.name === 'lr')!;
    expect(range.min).to.be.lessThan(range.max!);
    const data = extractAnalysis(store, store.getStudy('analysis')!, 'val_loss');
    const kept = filterMask(store, data, filters)!.reduce((s, v) => s + v, 0);
    expect(el.keptCount).to.equal(kept);
    expect(lr.getAttribute('aria-valuetext')).to.match(/^lr brushed from /);
    // Escape clears the brush, and a screen reader hears that every trial is back.
    const live = el.shadowRoot!.querySelector('[aria-live]')!;
    expect(live.textContent).to.contain('in the brushed ranges');
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(live.textContent!.trim()).to.equal('All 300 trials shown.');
  });

  it('strokes a large study part by part, one a frame, until every line is in the picture', async () => {
    const trials = 3 * LINES_PER_FRAME;
    const el = await view<ParallelCoords>('trial-parallel-coords', storeOf(analysisStudy({ trials })));
    const canvas = el.shadowRoot!.querySelector<HTMLCanvasElement>('canvas.lines')!;
    /** How much ink the lines left: the sum of the canvas's alpha channel. */
    const ink = () => {
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let sum = 0;
      for (let i = 3; i < data.length; i += 4) sum += data[i];
      return sum;
    };
    const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r)));
    const afterFirst = ink();
    expect(afterFirst).to.be.greaterThan(0);
    const seen = [afterFirst];
    for (let f = 0; f < 4; f++) {
      await frame();
      seen.push(ink());
    }
    expect(seen[2]).to.be.greaterThan(seen[0]);
    expect(seen[4]).to.equal(seen[3]); // finished: three parts, then nothing more to stroke
    // A brush on the finished picture greys it and strokes what it keeps over it.
    const lr = el.shadowRoot!.querySelector<HTMLElement>('[data-key="param:lr"]')!;
    lr.focus();
    await sendKeys({ press: 'Enter' });
    expect(el.keptCount).to.be.lessThan(trials);
    expect(ink()).to.be.greaterThan(0);
  });

  it('shows the filters it is given as brushes, and clears them', async () => {
    const el = await view<ParallelCoords>('trial-parallel-coords', storeOf(analysisStudy({ trials: 100 })), {
      filters: { params: [{ name: 'optimizer', values: ['adam'] }] },
    });
    const optimizer = el.shadowRoot!.querySelector<HTMLElement>('[data-key="param:optimizer"]')!;
    expect(optimizer.getAttribute('aria-valuetext')).to.equal('optimizer brushed from adam to adam');
    expect(optimizer.getAttribute('aria-orientation')).to.equal('vertical');
    // The slider says how its keys work.
    const keys = el.shadowRoot!.getElementById(optimizer.getAttribute('aria-describedby')!)!;
    expect(keys.textContent).to.contain('Arrow keys brush the middle of the axis');
    const raised = oneEvent(el, 'trial-filter-change') as Promise<TrialFilterChangeEvent>;
    const clear = el.shadowRoot!.querySelector<HTMLButtonElement>('button.clear')!;
    clear.focus();
    clear.click();
    expect((await raised).filters.params).to.equal(undefined);
    // The button is gone with the brushes; focus is on the first axis, not lost to the page.
    await el.updateComplete;
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('button.clear')).to.equal(null);
    expect(el.shadowRoot!.activeElement?.getAttribute('part')).to.equal('axis');
  });

  it("drops the lines the table's other filters leave out", async () => {
    const el = await view<ParallelCoords>('trial-parallel-coords', storeOf(analysisStudy({ trials: 100 })), {
      filters: { flags: ['never-set'] },
    });
    expect(el.keptCount).to.equal(0);
    expect(text(el)).to.contain("0 kept by the table's filters");
  });

  it('moves an axis with its buttons', async () => {
    const el = await view<ParallelCoords>('trial-parallel-coords', storeOf(analysisStudy({ trials: 50 })));
    const keys = () =>
      [...el.shadowRoot!.querySelectorAll<HTMLElement>('[part="axis"]')].map((a) => a.dataset.key);
    const before = keys();
    el.shadowRoot!.querySelector<HTMLButtonElement>('button[aria-label="Move batch_size left"]')!.click();
    await el.updateComplete;
    expect(keys().slice(0, 2)).to.deep.equal([before[1], before[0]]);
    // From the keyboard: focus stays on the moved axis' button, so pressing again moves it on.
    const right = () =>
      el.shadowRoot!.querySelector<HTMLButtonElement>('button[aria-label="Move batch_size right"]')!;
    right().focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement?.getAttribute('aria-label')).to.equal('Move batch_size right');
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(keys().indexOf('param:batch_size')).to.equal(2);
  });

  it('says what it left out: unfinished trials, missing params, text under a number, non-finite objectives', async () => {
    const el = await view<ParallelCoords>(
      'trial-parallel-coords',
      storeOf(analysisStudy({ trials: 120, missing: 0.2, bad: true, unfinished: 0.1 })),
    );
    const notes = el.shadowRoot!.querySelector('[part="notes"]')!.textContent!;
    expect(notes).to.match(/not finished/);
    expect(notes).to.match(/warmup: \d+ trials without it/);
    expect(notes).to.match(/without a finite val_loss/);
    expect(notes).to.contain('seed_fixed: every trial has the same value.');
  });

  it('renders a single trial, and hostile names as text', async () => {
    const snapshot = analysisStudy({ trials: 1 });
    snapshot.trials[0].params[HOSTILE] = HOSTILE;
    const el = await view<ParallelCoords>('trial-parallel-coords', storeOf(snapshot));
    expect(text(el)).to.contain('1 finished trial');
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
    expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
  });

  it('passes an axe-core accessibility check', async () => {
    const el = await view<ParallelCoords>(
      'trial-parallel-coords',
      storeOf(analysisStudy({ trials: 80, bad: true })),
      {
        filters: { params: [{ name: 'lr', min: 1e-4, max: 1e-2 }] },
      },
    );
    await expect(el).to.be.accessible();
  });
});

describe('<trial-slice-plot>', () => {
  it('draws a panel per hyperparameter and selects the trial clicked', async () => {
    const el = await view<SlicePlot>('trial-slice-plot', storeOf(analysisStudy({ trials: 60 })));
    const titles = [...el.shadowRoot!.querySelectorAll('[part="panel-title"]')].map((t) =>
      t.textContent!.trim(),
    );
    expect(titles).to.have.length(12);
    const layout = (
      el as unknown as { layout: { panels: { points: { xs: Float32Array; ys: Float32Array } }[] } }
    ).layout;
    const canvas = el.shadowRoot!.querySelector('canvas')!;
    const box = canvas.getBoundingClientRect();
    const { xs, ys } = layout.panels[0].points;
    const selected = oneEvent(el, 'trial-select') as Promise<TrialSelectEvent>;
    canvas.dispatchEvent(
      new MouseEvent('click', { bubbles: true, clientX: box.left + xs[7], clientY: box.top + ys[7] }),
    );
    const event = await selected;
    expect(event.trialIds).to.have.length(1);
    expect(event.trial?.studyId).to.equal('analysis');
  });

  it('says when no finished trial has a finite objective', async () => {
    const snapshot = analysisStudy({ trials: 3 });
    for (const batch of snapshot.metrics) batch.values = [Number.NaN];
    const el = await view<SlicePlot>('trial-slice-plot', storeOf(snapshot));
    expect(text(el)).to.contain('No finished trial has a finite val_loss.');
  });

  it('passes an axe-core accessibility check', async () => {
    const el = await view<SlicePlot>('trial-slice-plot', storeOf(analysisStudy({ trials: 80, bad: true })));
    await expect(el).to.be.accessible();
  });
});

describe('<trial-history>', () => {
  it('shows the best so far, and for two metrics the Pareto front', async () => {
    const snapshot = analysisStudy({ trials: 100 });
    for (const [i, batch] of [...snapshot.metrics].entries())
      snapshot.metrics.push({ ...batch, key: 'latency', values: [((i * 7919) % 100) / 10] });
    const store = storeOf(snapshot);
    const el = await view<TrialHistory>('trial-history', store);
    expect(text(el)).to.contain('the line is the lowest so far');
    el.secondMetric = 'latency';
    await el.updateComplete;
    const data = extractAnalysis(store, store.getStudy('analysis')!, 'val_loss');
    const latency = Float64Array.from(data.trials, (t) => store.lastValue(t.id, 'latency')!);
    const front = paretoFront(data.objective, latency, ['minimize', 'minimize']);
    expect(text(el)).to.contain(`the Pareto front (${front.length} trials)`);
  });

  it('updates as trials finish', async () => {
    const snapshot = analysisStudy({ trials: 10 });
    snapshot.trials[9].status = 'running';
    const store = storeOf(snapshot);
    const el = await view<TrialHistory>('trial-history', store);
    expect(text(el)).to.contain('9 finished trials');
    store.applyTrusted({
      v: 1,
      seq: 1,
      type: 'trial.upsert',
      trial: { ...snapshot.trials[9], status: 'succeeded' },
    });
    store.flush();
    await el.updateComplete;
    expect(text(el)).to.contain('10 finished trials');
  });

  it("redraws the Pareto front when a finished trial's second metric arrives after its first", async () => {
    const snapshot = analysisStudy({ trials: 20 });
    for (const [i, batch] of [...snapshot.metrics].entries())
      snapshot.metrics.push({ ...batch, key: 'latency', values: [1 + (i % 5)] });
    const store = storeOf(snapshot);
    const el = await view<TrialHistory>('trial-history', store, { secondMetric: 'latency' });
    const late = { ...snapshot.trials[0], id: 'late', number: 99, status: 'succeeded' as const };
    store.applyTrusted({ v: 1, seq: 1, type: 'trial.upsert', trial: late });
    const at = (key: string, value: number) => ({
      trialId: 'late',
      key,
      steps: [0],
      values: [value],
      timestamps: [1],
    });
    store.applyTrusted({ v: 1, seq: 2, type: 'metrics.append', batches: [at('val_loss', -1)] });
    store.flush();
    await el.updateComplete;
    expect(text(el)).to.contain('without a finite latency');
    // Best on both: the front is this one trial once its latency is in.
    store.applyTrusted({ v: 1, seq: 3, type: 'metrics.append', batches: [at('latency', 0)] });
    store.flush();
    await el.updateComplete;
    expect(text(el)).to.contain('the Pareto front (1 trial');
    expect(text(el)).to.not.contain('without a finite latency');
  });

  it('passes an axe-core accessibility check', async () => {
    const el = await view<TrialHistory>('trial-history', storeOf(analysisStudy({ trials: 40 })), {
      selected: ['analysis-t3'],
    });
    await expect(el).to.be.accessible();
  });
});
