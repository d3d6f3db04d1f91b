// A full paint of more points than one frame can stroke is spread over frames: the main canvas shows
// the last picture stretched to the new scales meanwhile, and the finished picture is the one a
// fresh chart paints at once.
import { expect, fixture, html, nextFrame } from '@open-wc/testing';
import type { TrialStore } from '../../../src/client/store.js';
import { MetricsChart } from '../../../src/components/metrics-chart/metrics-chart.js';
import { canvasOf } from './canvas-probe.js';
import { range, runningTrials, storeWith } from './chart-store.js';

MetricsChart.define();

const TRIALS = 100;

/** A hundred running trials with `points` steps each. */
function study(points: number): TrialStore {
  const store = storeWith(runningTrials(TRIALS));
  grow(store, 0, points);
  store.flush();
  return store;
}

/** Appends steps `from..to-1` to every trial: noisy decays, so each column holds four points. */
function grow(store: TrialStore, from: number, to: number): void {
  const steps = range(from, to);
  for (let i = 0; i < TRIALS; i++) {
    const values = steps.map((s) => 1 + i / 50 + 2 * Math.exp(-s / 2000) + 0.05 * Math.sin(s * 1.7 + i));
    store.appendPoints(`t${i}`, 'loss', steps, values, steps);
  }
}

/** A chart wide enough that a full paint of the study takes several frames (~400,000 reduced points). */
async function chartFor(store: TrialStore): Promise<MetricsChart> {
  const el = await fixture<MetricsChart>(
    html`<trial-metrics-chart style="width: 1000px; height: 300px" theme="light"></trial-metrics-chart>`,
  );
  Object.assign(el, { store, metric: 'loss' });
  await el.updateComplete;
  await new Promise((resolve) => setTimeout(resolve, 100));
  return el;
}

/**
 * The share of device pixels painted on one chart's main canvas and not on the other's. Coverage,
 * not colour: curves of different colours may cross in another order when drawn in parts.
 */
function difference(a: MetricsChart, b: MetricsChart): number {
  const read = (el: MetricsChart) => {
    const canvas = canvasOf(el);
    return canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
  };
  const x = read(a);
  const y = read(b);
  expect(x.length).to.equal(y.length);
  let differ = 0;
  for (let i = 3; i < x.length; i += 4) if (x[i] > 100 !== y[i] > 100) differ++;
  return differ / (x.length / 4);
}

async function frames(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await nextFrame();
}

describe('<trial-metrics-chart> full paints spread over frames', () => {
  it('strokes nothing in the frame the x axis moves, then shows what a fresh chart paints, tails included', async () => {
    const store = study(8000);
    const el = await chartFor(store);
    const before = el.domains!.x[1];
    const main = canvasOf(el).getContext('2d')!;
    let strokes = 0;
    let blits = 0;
    const stroke = main.stroke.bind(main) as () => void;
    const drawImage = main.drawImage.bind(main) as (...args: unknown[]) => void;
    main.stroke = () => {
      strokes++;
      stroke();
    };
    (main as { drawImage: unknown }).drawImage = (...args: unknown[]) => {
      blits++;
      drawImage(...args);
    };
    // Past the x axis' headroom: every curve must be drawn again at the new scale.
    grow(store, 8000, 11000);
    store.flush();
    expect(el.domains!.x[1], 'the x axis moved').to.be.above(before);
    expect(strokes, 'no curve stroked in that frame').to.equal(0);
    expect(blits, 'the last picture, stretched').to.equal(1);
    // Points arriving while the paint is spread, after its first part: the curves it has drawn get
    // their tails on its canvas, the others are drawn whole later.
    await nextFrame();
    expect(blits, 'still spread over frames').to.equal(1);
    grow(store, 11000, 11600);
    store.flush();
    await frames(8);
    expect(blits, 'the finished picture copied in').to.equal(2);

    const fresh = await chartFor(store);
    expect(fresh.domains).to.deep.equal(el.domains);
    expect(difference(el, fresh)).to.be.below(0.001);
  });
});
