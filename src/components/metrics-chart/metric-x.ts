/**
 * Another metric as the x axis (accuracy against tokens seen, say): each point of the charted
 * metric is placed at the x metric's value at the same step, linear between the steps the x metric
 * was logged at, as W&B and TensorBoard pair custom x values by step. A point outside the x
 * metric's logged steps, or where its value is not finite, has no x (NaN) and is drawn as a gap.
 */
import type { MetricSeries } from '../../client/index.js';
import { lowerBound, upperBound } from './m4.js';

/** The paired x column of one curve, extended as either metric gains points. */
export class MetricX {
  private column = new Float64Array(0);

  /** The x of each point of the charted series; valid up to the length last filled. */
  get xs(): Float64Array {
    return this.column;
  }

  /**
   * Recomputes the x of points `from..steps.length-1` of the charted series (whose steps are
   * `steps`, ascending) from the x metric `x`.
   */
  fill(steps: Float64Array, length: number, x: MetricSeries | undefined, from: number): void {
    if (this.column.length < length) {
      const grown = new Float64Array(Math.max(64, length * 2));
      grown.set(this.column.subarray(0, Math.min(from, this.column.length)));
      this.column = grown;
    }
    const out = this.column;
    if (!x || x.length === 0) {
      out.fill(Number.NaN, from, length);
      return;
    }
    const xSteps = x.steps;
    const xValues = x.values;
    const m = x.length;
    // Both are ordered by step: one walk with a pointer into the x metric's steps.
    let j = from < length ? upperBound(xSteps, steps[from], m) : m;
    for (let i = from; i < length; i++) {
      const step = steps[i];
      while (j < m && xSteps[j] <= step) j++;
      // j is the first x point past `step`; j - 1 the last at or before it (the last logged at a step wins).
      if (j > 0 && xSteps[j - 1] === step) out[i] = xValues[j - 1];
      else if (j === 0 || j === m) out[i] = Number.NaN;
      else {
        const s0 = xSteps[j - 1];
        const s1 = xSteps[j];
        out[i] = xValues[j - 1] + ((step - s0) / (s1 - s0)) * (xValues[j] - xValues[j - 1]);
      }
    }
  }
}

/**
 * The first index of the charted series (steps `steps`, ascending) whose x may change when the x
 * metric changed from its index `xFrom`: points from the x metric's previous point's step on.
 */
export function pairedFrom(steps: Float64Array, length: number, x: MetricSeries, xFrom: number): number {
  if (xFrom <= 0) return 0;
  return lowerBound(steps, x.steps[Math.min(xFrom, x.length) - 1], length);
}
