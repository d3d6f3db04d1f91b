// Step annotations on the chart: markers at the step on the curves of the trials they belong to,
// and a click on a curve point asking to annotate that step.
import { aTimeout, expect, nextFrame, oneEvent } from '@open-wc/testing';
import { TrialStore } from '../../../src/client/store.js';
import type { AnnotationRequestEvent } from '../../../src/components/events/index.js';
import { MetricsChart } from '../../../src/components/metrics-chart/metrics-chart.js';
import type { Trial } from '../../../src/protocol/index.js';
import { pointer } from './canvas-probe.js';
import { mountChart } from './chart-store.js';

MetricsChart.define();

const HOSTILE = '<img src=x onerror="window.__pwned=1">';

function trial(id: string, number: number): Trial {
  return { id, studyId: 's1', number, status: 'succeeded', params: {}, tags: {}, flags: [], startedAt: 0 };
}

async function chart(extra: Partial<MetricsChart> = {}): Promise<MetricsChart> {
  const store = new TrialStore();
  store.applyTrusted({
    v: 3,
    seq: 0,
    type: 'snapshot',
    studies: [{ id: 's1', name: 'study', status: 'running', createdAt: 0, tags: {} }],
    trials: [trial('a', 0), trial('b', 1)],
    metrics: [],
    sync: [],
  });
  const steps = Array.from({ length: 101 }, (_, i) => i);
  const times = steps.map((s) => 1_000_000 + s * 1000);
  store.appendPoints('a', 'loss', steps, steps, times);
  store.appendPoints(
    'b',
    'loss',
    steps,
    steps.map((s) => 100 - s),
    times,
  );
  store.flush();
  return mountChart(store, extra);
}

const markers = (el: MetricsChart) => [
  ...el.shadowRoot!.querySelectorAll<HTMLElement>('[part="annotation"]'),
];

describe('<trial-metrics-chart> annotations', () => {
  it("draws a marker at the annotated step of each drawn trial's curve, its text as text", async () => {
    const el = await chart({
      annotations: [
        { trialId: 'a', step: 40, text: HOSTILE },
        { trialId: 'b', step: 80, text: 'lr drop here' },
        { trialId: 'elsewhere', step: 10, text: 'not on this chart' },
      ],
    });
    const shown = markers(el);
    expect(shown.map((m) => m.textContent!.trim())).to.deep.equal([HOSTILE, 'lr drop here']);
    expect(el.shadowRoot!.querySelector('.annotations img')).to.equal(null);
    const x40 = el.positionOf(40, 0)!.left;
    const x80 = el.positionOf(80, 0)!.left;
    const plot = el.shadowRoot!.querySelector('canvas.overlay')!.getBoundingClientRect();
    const left = (m: HTMLElement) => m.getBoundingClientRect().left - plot.left;
    expect(left(shown[0])).to.be.closeTo(x40, 2);
    expect(left(shown[1])).to.be.closeTo(x80, 2);
  });

  it("places markers by the trial's own points on a time axis, and follows new annotations", async () => {
    const el = await chart({ xAxis: 'relative' });
    expect(markers(el)).to.have.length(0);
    el.annotations = [{ trialId: 'a', step: 50, text: 'half way' }];
    await el.updateComplete;
    await nextFrame();
    expect(markers(el)).to.have.length(1);
  });

  it('asks to annotate the step of the curve point clicked', async () => {
    const el = await chart();
    const p = el.positionOf(30, 30)!;
    const requested = oneEvent(el, 'annotation-request') as Promise<AnnotationRequestEvent>;
    pointer(el, 'pointermove', p.left, p.top);
    pointer(el, 'pointerdown', p.left, p.top);
    pointer(el, 'pointerup', p.left, p.top);
    const event = await requested;
    expect([event.trialId, event.key, event.step]).to.deep.equal(['a', 'loss', 30]);
  });

  it('asks for no annotation on a double click, which resets the zoom', async () => {
    const el = await chart();
    const p = el.positionOf(30, 30)!;
    let requests = 0;
    el.addEventListener('annotation-request', () => requests++);
    pointer(el, 'pointermove', p.left, p.top);
    for (let i = 0; i < 2; i++) {
      pointer(el, 'pointerdown', p.left, p.top);
      pointer(el, 'pointerup', p.left, p.top);
    }
    pointer(el, 'dblclick', p.left, p.top);
    await aTimeout(400);
    expect(requests).to.equal(0);
  });

  it('passes an axe-core check with markers', async () => {
    const el = await chart({ annotations: [{ trialId: 'a', step: 40, text: 'diverged' }] });
    await expect(el).to.be.accessible();
  });
});
