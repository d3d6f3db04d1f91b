// A dense chart's hairlines are rasterised, not stroked, once the chart's on-demand code has
// arrived: what the user sees is the same study, single-point spikes included.
import { expect } from '@open-wc/testing';
import type { MetricsChart } from '../../../src/components/metrics-chart/metrics-chart.js';
import { canvasOf } from './canvas-probe.js';
import { append, mountChart, range, runningTrials, storeWith } from './chart-store.js';

const TRIALS = 60;
const STEPS = 2000;
/** Trial 7's colour (the palette's eighth, solid): only its spike reaches the top of the plot. */
const SPIKED = 't7';
const SPIKE_COLOR = [0xff, 0x9d, 0xa7];

function study() {
  const store = storeWith(runningTrials(TRIALS));
  const steps = range(0, STEPS);
  for (let i = 0; i < TRIALS; i++) {
    const values = steps.map((s) => 1 + i / 100 + Math.exp(-s / 500) + 0.05 * Math.sin(s * 1.3 + i));
    if (`t${i}` === SPIKED) values[1234] = 50;
    append(store, `t${i}`, steps, values);
  }
  store.flush();
  return store;
}

/** Counts calls of a 2D context method on every canvas while `run` runs. */
async function counting<T>(method: 'stroke' | 'putImageData', run: () => Promise<T>) {
  const proto = CanvasRenderingContext2D.prototype as unknown as Record<string, (...args: unknown[]) => void>;
  const original = proto[method];
  let calls = 0;
  proto[method] = function (this: unknown, ...args: unknown[]) {
    calls++;
    original.apply(this, args);
  };
  try {
    const result = await run();
    return { result, calls };
  } finally {
    proto[method] = original;
  }
}

/** Device pixels of the spike's colour in the top quarter of the canvas (no other curve goes there). */
function spikePixels(el: MetricsChart): number {
  const canvas = canvasOf(el);
  const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height / 4).data;
  let count = 0;
  for (let i = 0; i < data.length; i += 4) {
    const off = Math.abs(data[i] - SPIKE_COLOR[0]) + Math.abs(data[i + 1] - SPIKE_COLOR[1]);
    if (data[i + 3] > 200 && off + Math.abs(data[i + 2] - SPIKE_COLOR[2]) < 30) count++;
  }
  return count;
}

describe('<trial-metrics-chart> dense hairlines', () => {
  it('are rasterised once the on-demand code is in, and still show a one-point spike', async () => {
    const store = study();
    // The first chart strokes its curves and asks for the on-demand chunk.
    const first = await counting('stroke', () => mountChart(store));
    expect(first.calls, 'the first paint strokes curves').to.be.above(10);
    expect(spikePixels(first.result), 'the spike, stroked').to.be.above(5);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const strokes = await counting('stroke', async () => counting('putImageData', () => mountChart(store)));
    const el = strokes.result.result;
    expect(strokes.result.calls, 'the curves go onto the canvas as pixels').to.be.above(0);
    // The grid and the frame are still stroked; 60 curves in 40 styles are not.
    expect(strokes.calls, 'no curve stroked').to.be.below(5);
    expect(spikePixels(el), 'the spike, rasterised').to.be.above(5);
    expect(canvasOf(el).width).to.equal(canvasOf(first.result).width);

    // Live tails are drawn as the body was: rasterised, not stroked (the first chart, stroked
    // whole, would stroke its tails too).
    first.result.remove();
    const tails = await counting('stroke', () =>
      counting('putImageData', async () => {
        for (let i = 0; i < TRIALS; i++) append(store, `t${i}`, [STEPS], [1 + i / 100]);
        store.flush();
        await el.updateComplete;
      }),
    );
    expect(tails.result.calls, 'tails written as pixels').to.be.above(0);
    expect(tails.calls, 'no tail stroked').to.equal(0);
  });
});
