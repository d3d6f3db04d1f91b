import { expect, fixture, html, nextFrame, oneEvent, waitUntil } from '@open-wc/testing';
import { windowBytes } from '../../../src/client/lod/window-cache.js';
import { connectEngine } from '../../../src/client/sources/engine.js';
import { TrialStore } from '../../../src/client/store.js';
import type { ZoomChangeEvent } from '../../../src/components/events/index.js';
import { trialStyle } from '../../../src/components/internal/theme.js';
import { MetricsChart } from '../../../src/components/metrics-chart/metrics-chart.js';
import { FIRST_PICTURE_POINTS } from '../../../src/components/metrics-chart/window-controller.js';
import type { SeriesWindow, Trial } from '../../../src/protocol/index.js';
import { WindowProducer } from '../../fixtures/window-producer.js';
import { paintedCount, paintedNear, pointer } from './canvas-probe.js';

MetricsChart.define();

const POINTS = 10_000;
const SPIKE_STEP = 6123;
const SPIKE = 100;
const color0 = trialStyle(0).color;

function trial(id: string, number: number): Trial {
  return { id, studyId: 's1', number, status: 'running', params: {}, tags: {}, flags: [], startedAt: 0 };
}

/** Trial a's value at a step: scattered over [1, 10], and 100 once. */
const valueAt = (step: number) =>
  step === SPIKE_STEP ? SPIKE : 1 + (9 * (((Math.sin(step) * 10_000) % 1) + 1)) / 2;

/** Two trials of 10,000 points; trial a scatters over [1, 10] but for one point at 100. */
function producer(): WindowProducer {
  const p = new WindowProducer(
    {
      id: 's1',
      name: 'study',
      status: 'running',
      createdAt: 0,
      tags: {},
      objective: { metric: 'loss', direction: 'minimize' },
    },
    [trial('a', 0), trial('b', 1)],
  );
  const steps = Array.from({ length: POINTS }, (_, i) => i);
  p.append('a', 'loss', steps, steps.map(valueAt));
  p.append(
    'b',
    'loss',
    steps,
    steps.map((s) => 2 + s / POINTS),
  );
  return p;
}

async function chartOn(
  p: WindowProducer,
  store = new TrialStore(),
): Promise<{ el: MetricsChart; store: TrialStore; close: () => void }> {
  const handle = connectEngine(store, p, { windows: true });
  const el = await fixture<MetricsChart>(
    html`<trial-metrics-chart style="width: 500px; height: 300px" theme="light"></trial-metrics-chart>`,
  );
  Object.assign(el, { store, study: 's1' });
  await waitUntil(() => el.domains !== undefined, 'the overview is drawn');
  return { el, store, close: () => handle.close() };
}

/** Drags a zoom box over x in [from, to] and y in [bottom, top]; resolves with the zoom event. */
async function zoomTo(
  el: MetricsChart,
  from: number,
  to: number,
  bottom: number,
  top: number,
): Promise<ZoomChangeEvent> {
  const a = el.positionOf(from, top)!;
  const b = el.positionOf(to, bottom)!;
  const zoomed = oneEvent(el, 'zoom-change') as Promise<ZoomChangeEvent>;
  pointer(el, 'pointerdown', a.left, a.top);
  pointer(el, 'pointermove', (a.left + b.left) / 2, (a.top + b.top) / 2);
  pointer(el, 'pointerup', b.left, b.top);
  return zoomed;
}

describe('<trial-metrics-chart> with level-of-detail windows', () => {
  it('draws the aligned overview at once, from summaries, with a single-point spike', async () => {
    const p = producer();
    const { el, store, close } = await chartOn(p);
    expect(store.getSeries('a', 'loss')).to.equal(undefined, 'the snapshot carried summaries, not points');
    expect(store.summaryOf('a', 'loss')!.max!.value).to.equal(SPIKE);
    const [overview] = p.requests;
    expect(overview.from! % 16).to.equal(0);
    expect(((overview.to! + 1 - overview.from!) / overview.columns) % 16).to.equal(0);
    const plotPixels = 500 * devicePixelRatio;
    expect(overview.columns).to.be.within(plotPixels / 4, plotPixels);
    expect(el.domains!.y[1]).to.be.at.least(SPIKE);
    const spike = el.positionOf(SPIKE_STEP, SPIKE)!;
    expect(paintedNear(el, spike.left, spike.top, color0, 2)).to.equal(true);
    close();
  });

  it('draws a single-point spike beside a divergence to Infinity, which it leaves out, as the raw curve does', async () => {
    const p = producer();
    // Trial b diverges to Infinity at one step and spikes to 25 three steps later: one overview column.
    p.append('b', 'loss', [POINTS, POINTS + 1, POINTS + 4, POINTS + 5], [2, Infinity, 25, 2]);
    const { el, store, close } = await chartOn(p);
    expect(store.summaryOf('b', 'loss')!.max!.value).to.equal(25, 'the extremes are finite');
    const spike = el.positionOf(POINTS + 4, 25)!;
    expect(paintedNear(el, spike.left, spike.top, trialStyle(1).color, 2)).to.equal(true);
    close();
  });

  it('says it is loading, not that there is no data, while its first window is on its way', async () => {
    const p = producer();
    const release = p.hold();
    const store = new TrialStore();
    const handle = connectEngine(store, p, { windows: true });
    const el = await fixture<MetricsChart>(
      html`<trial-metrics-chart style="width: 500px; height: 300px" theme="light"></trial-metrics-chart>`,
    );
    const message = () => el.shadowRoot!.querySelector('[part="message"]')?.textContent?.trim();
    const seen = new Set<string | undefined>();
    const watch = new MutationObserver(() => seen.add(message()));
    watch.observe(el.shadowRoot!, { subtree: true, childList: true, characterData: true });
    Object.assign(el, { store, study: 's1' });
    await waitUntil(() => p.requests.length > 0, 'the overview is asked for');
    await nextFrame();
    expect(message()).to.equal('Loading…');
    release();
    await waitUntil(() => el.domains !== undefined, 'the overview is drawn');
    await el.updateComplete;
    expect(message()).to.equal(undefined);
    watch.disconnect();
    expect([...seen].filter((m) => m?.startsWith('No data'))).to.deep.equal([]);
    handle.close();
  });

  it('fetches the exact window after a zoom, drawing the overview meanwhile, and drops a fetch moved past', async () => {
    const p = producer();
    const { el, close } = await chartOn(p);
    const release = p.hold();
    await zoomTo(el, 6000, 6300, 0.5, 11);
    await waitUntil(() => p.requests.length === 2, 'the first zoom is fetched');
    // Still drawn (from the overview) while the window is on its way.
    await nextFrame();
    expect(paintedCount(el, color0)).to.be.above(100);
    const second = await zoomTo(el, 6100, 6150, 0.6, 10.9);
    await waitUntil(() => p.requests.length === 3, 'the second zoom is fetched, the first dropped');
    release();
    const last = p.requests[2];
    expect([last.from, last.to]).to.deep.equal(second.x);
    expect(last.trialIds).to.equal(undefined);
    // 51 steps over hundreds of columns: every raw point is drawn where it lies (the overview
    // kept only 4 or 5 of each 16).
    const steps = Array.from({ length: 49 }, (_, i) => 6101 + i).filter((s) => s !== SPIKE_STEP);
    const drawn = (step: number) => {
      const at = el.positionOf(step, valueAt(step))!;
      return paintedNear(el, at.left, at.top, color0, 1);
    };
    await waitUntil(() => steps.every(drawn), 'every raw point of the zoom is drawn', { timeout: 3000 });
    close();
  });

  it('fetches a lone zoom at once and a quick series of zooms once, where it ends', async () => {
    const p = producer();
    const { el, close } = await chartOn(p);
    el.zoomToX([2000, 4000]);
    // No waiting for a pause: the request is out within the frame.
    await nextFrame();
    expect(p.requests.length).to.equal(2);
    await new Promise((resolve) => setTimeout(resolve, 150));
    // A wheel-like series, 10 ms apart, on a slow server: the first starts a fetch, the next drops
    // it, and the series' end is fetched once it pauses.
    const release = p.hold();
    for (let i = 1; i <= 5; i++) {
      el.zoomToX([2000 + i * 100, 4000 + i * 100]);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await waitUntil(() => p.requests.length === 4, 'the end of the series is fetched');
    release();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(p.requests.length).to.equal(4);
    expect([p.requests[3].from, p.requests[3].to]).to.deep.equal([2500, 4500]);
    close();
  });

  it('releases every window it stops showing, across zooms dropped on their way', async () => {
    // A budget of one byte: the store keeps only the windows a chart shows.
    const p = producer();
    const { el, store, close } = await chartOn(p, new TrialStore({ windowBudgetBytes: 1 }));
    const windowed = () =>
      (el as unknown as { windows: { windowed?: { overview?: SeriesWindow; zoom?: SeriesWindow } } }).windows
        .windowed;
    const shownBytes = () =>
      windowBytes(windowed()!.overview!) + (windowed()!.zoom ? windowBytes(windowed()!.zoom!) : 0);
    el.zoomToX([2000, 4000]);
    await waitUntil(() => windowed()?.zoom?.from === 2000, 'the first zoom is shown');
    expect(store.windowBytes).to.equal(shownBytes());
    // A wheel on a slow server: the second zoom is dropped on its way, the third shown.
    const release = p.hold();
    el.zoomToX([2100, 4100]);
    await nextFrame();
    el.zoomToX([2208, 4208]);
    await waitUntil(() => p.requests.length === 4, 'the end of the series is fetched');
    release();
    await waitUntil(() => windowed()?.zoom?.from === 2208, 'the last zoom is shown');
    expect(store.windowBytes).to.equal(shownBytes(), 'the first zoom is released');
    el.zoomToX(undefined);
    await nextFrame();
    expect(store.windowBytes).to.equal(windowBytes(windowed()!.overview!));
    close();
  });

  it('keeps a live curve growing past its window', async () => {
    const p = producer();
    const { el, close } = await chartOn(p);
    const steps = Array.from({ length: 200 }, (_, i) => POINTS + i);
    p.append(
      'a',
      'loss',
      steps,
      steps.map(() => 50),
    );
    await waitUntil(() => el.domains!.x[1] >= POINTS + 199, 'the x axis reaches the new points');
    // The dense curve is a hairline: half-covered pixel rows count.
    const tailDrawn = () => {
      const tail = el.positionOf(POINTS + 150, 50)!;
      return paintedNear(el, tail.left, tail.top, color0, 2, 60);
    };
    await waitUntil(tailDrawn, 'the tail is drawn');
    expect(tailDrawn()).to.equal(true);
    close();
  });

  it('draws live points logged behind the end of a curve, or again at a step it has, without a reload', async () => {
    const p = producer();
    const { el, close } = await chartOn(p);
    // Asynchronous logging: a point behind the last step; several writers: the last step again.
    p.append('b', 'loss', [1234], [8]);
    p.append('b', 'loss', [POINTS - 1], [9]);
    const drawn = (step: number, value: number) => {
      const at = el.positionOf(step, value)!;
      return paintedNear(el, at.left, at.top, trialStyle(1).color, 2, 60);
    };
    await waitUntil(() => drawn(1234, 8) && drawn(POINTS - 1, 9), 'both late points are drawn');
    expect(p.requests.length).to.equal(1);
    close();
  });

  it('fetches the overview again once live points outgrow it by a quarter', async () => {
    const p = producer();
    const { el, close } = await chartOn(p);
    expect(p.requests.length).to.equal(1);
    const tail = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
    // A short tail is drawn from its raw points; the overview stays.
    p.append('a', 'loss', tail(POINTS, 1000), tail(POINTS, 1000).map(valueAt));
    await waitUntil(() => el.domains!.x[1] >= POINTS + 999, 'the short tail is drawn');
    expect(p.requests.length).to.equal(1);
    p.append('a', 'loss', tail(POINTS + 1000, 2000), tail(POINTS + 1000, 2000).map(valueAt));
    await waitUntil(() => p.requests.length === 2, 'the overview is fetched again');
    expect(p.requests[1].to).to.be.at.least(POINTS + 2999);
    close();
  });

  it('draws a large study first from an overview of fewer columns, then at the plot width', async () => {
    // 800 trials of 1,000 points: at the plot's width the overview would bring every point, over
    // FIRST_PICTURE_POINTS; the first picture asks for fewer columns (FIRST_PICTURE_POINTS / 4 in all).
    const trials = Array.from({ length: 800 }, (_, i) => trial(`t${i}`, i));
    const p = new WindowProducer(
      { id: 's1', name: 'study', status: 'running', createdAt: 0, tags: {} },
      trials,
    );
    const steps = Array.from({ length: 1000 }, (_, i) => i);
    for (const [i, t] of trials.entries())
      p.append(
        t.id,
        'loss',
        steps,
        steps.map((s) => (i === 0 && s === 613 ? SPIKE : 1 + ((i * 7 + s) % 10) / 10)),
      );
    const fewer = FIRST_PICTURE_POINTS / 4 / trials.length;
    const release = p.hold((query) => query.columns > fewer);
    const { el, store, close } = await chartOn(p);
    const shown = () =>
      (el as unknown as { windows: { windowed?: { overview?: SeriesWindow } } }).windows.windowed?.overview;
    // Drawn from the fewer columns while the full overview is held: every curve, and the spike.
    const [first] = p.requests;
    expect(first.columns).to.be.at.most(fewer);
    await waitUntil(() => shown()?.columns === first.columns, 'the first picture is shown');
    await nextFrame();
    const spike = el.positionOf(613, SPIKE)!;
    expect(paintedNear(el, spike.left, spike.top, color0, 3)).to.equal(true);
    // The full overview (asked again if the plot's width settled meanwhile) is asked once each.
    const full = p.requests[p.requests.length - 1];
    expect(full.columns).to.be.above(first.columns);
    expect(p.requests.filter((q) => q.columns === first.columns)).to.have.length(1);
    const asked = p.requests.length;
    release();
    await waitUntil(() => shown()?.columns === full.columns, 'the full overview replaces it');
    await nextFrame();
    expect(paintedNear(el, spike.left, spike.top, color0, 3)).to.equal(true);
    expect(p.requests.length).to.equal(asked);
    // Only the first overview of a chart: a new width asks for the full one alone.
    el.style.width = '700px';
    await waitUntil(() => p.requests.length === asked + 1, 'the overview at the new width is fetched');
    expect(p.requests[asked].columns).to.be.above(full.columns);
    expect(store.windowBytes).to.be.above(0);
    close();
  });

  it('draws relative time from the first point of trials that carry no start', async () => {
    const p = producer();
    for (const t of p.trials) delete (t as { startedAt?: number }).startedAt;
    const store = new TrialStore();
    const handle = connectEngine(store, p, { windows: true });
    const el = await fixture<MetricsChart>(
      html`<trial-metrics-chart style="width: 500px; height: 300px" theme="light" x-axis="relative"></trial-metrics-chart>`,
    );
    Object.assign(el, { store, study: 's1' });
    await waitUntil(() => el.domains !== undefined && p.requests.length > 0, 'the overview is asked');
    // By time the server's extent is asked; points are 1 s apart from the first: drawn from 0 s, not the epoch.
    const [overview] = p.requests;
    expect(overview.x).to.equal('relative');
    expect([overview.from, overview.to]).to.deep.equal([undefined, undefined]);
    await waitUntil(() => paintedCount(el, color0) > 0, 'the curves are drawn');
    expect(el.domains!.x[0]).to.be.at.most(0);
    expect(el.domains!.x[1]).to.be.within(POINTS - 1, POINTS * 1.25);
    const spike = el.positionOf(SPIKE_STEP, SPIKE)!;
    expect(paintedNear(el, spike.left, spike.top, color0, 2)).to.equal(true);
    handle.close();
  });

  it('draws every point of a run whose clock went back, by wall time', async () => {
    const p = new WindowProducer({ id: 's1', name: 'study', status: 'running', createdAt: 0, tags: {} }, [
      trial('a', 0),
    ]);
    // Steps 50 on were logged on a host whose clock is 100 s behind: the earliest and latest times are
    // neither the first or last step's nor the lowest or highest value's.
    const steps = Array.from({ length: 100 }, (_, i) => i);
    const T = 1_700_000_000_000;
    p.append(
      'a',
      'loss',
      steps,
      steps.map((s) => 10 - s / 10),
      steps.map((s) => (s < 50 ? T + s * 1000 : T - 100_000 + (s - 50) * 1000)),
    );
    const store = new TrialStore();
    const handle = connectEngine(store, p, { windows: true });
    const el = await fixture<MetricsChart>(
      html`<trial-metrics-chart style="width: 500px; height: 300px" theme="light" x-axis="wall"></trial-metrics-chart>`,
    );
    Object.assign(el, { store, study: 's1' });
    await waitUntil(() => paintedCount(el, color0) > 0, 'the curve is drawn');
    const [lo, hi] = el.domains!.x;
    expect(lo).to.be.at.most(T - 100_000);
    expect(hi).to.be.at.least(T + 49_000);
    handle.close();
  });
});
