import { describe, expect, it } from 'vitest';
import { MetricSeries } from '../../../src/client/series.js';
import { MetricX, pairedFrom } from '../../../src/components/metrics-chart/metric-x.js';
import { seededRandom } from '../../fixtures/studies.js';

function series(key: string, steps: number[], values: number[]): MetricSeries {
  const s = new MetricSeries('t', key);
  s.append(
    steps,
    values,
    steps.map(() => 0),
  );
  return s;
}

/** The x of a point at `step` straight from the definition: exact at a logged step, linear between, NaN outside. */
function pairAt(x: MetricSeries, step: number): number {
  const steps = Array.from(x.steps.subarray(0, x.length));
  const values = Array.from(x.values.subarray(0, x.length));
  const at = steps.lastIndexOf(step);
  if (at >= 0) return values[at];
  const after = steps.findIndex((s) => s > step);
  if (after <= 0) return Number.NaN;
  const t = (step - steps[after - 1]) / (steps[after] - steps[after - 1]);
  return values[after - 1] + t * (values[after] - values[after - 1]);
}

const paired = (y: MetricSeries, x: MetricSeries | undefined, into = new MetricX(), from = 0) => {
  into.fill(y.steps, y.length, x, from);
  return Array.from(into.xs.subarray(0, y.length));
};

describe('another metric as x', () => {
  it('places each point at the x metric of its step, linear between logged steps, NaN outside them', () => {
    const y = series('acc', [0, 5, 10, 15, 20, 25], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
    const tokens = series('tokens', [5, 10, 20], [500, 1000, 3000]);
    expect(paired(y, tokens)).toEqual([Number.NaN, 500, 1000, 2000, 3000, Number.NaN]);
  });

  it('takes the last value logged at a step, and keeps a non-finite x as a gap', () => {
    const y = series('acc', [1, 2, 3], [1, 2, 3]);
    const x = series('x', [1, 2, 2, 3], [10, 20, 21, Number.NaN]);
    expect(paired(y, x)).toEqual([10, 21, Number.NaN]);
  });

  it('has no x for any point when the trial has not logged the x metric', () => {
    const y = series('acc', [1, 2], [1, 2]);
    expect(paired(y, undefined)).toEqual([Number.NaN, Number.NaN]);
  });

  it('extended as either metric grows gives what pairing from scratch gives', () => {
    const random = seededRandom(7);
    for (let round = 0; round < 50; round++) {
      const y = new MetricSeries('t', 'y');
      const x = new MetricSeries('t', 'x');
      const pairing = new MetricX();
      for (let batch = 0; batch < 8; batch++) {
        // Appends to either metric, some of them out of order.
        const target = random() < 0.5 ? y : x;
        const steps = Array.from({ length: 1 + Math.floor(random() * 5) }, () => Math.floor(random() * 40));
        const yFrom = target.append(
          steps,
          steps.map(() => random()),
          steps.map(() => 0),
        );
        const from = target === y ? yFrom : pairedFrom(y.steps, y.length, x, yFrom);
        const got = paired(y, x, pairing, Math.min(from, y.length));
        const want = Array.from(y.steps.subarray(0, y.length), (s) => pairAt(x, s));
        expect(got).toEqual(want);
      }
    }
  });
});
