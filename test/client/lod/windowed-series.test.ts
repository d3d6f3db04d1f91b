// Curves composed from windows and the live points after them: late live points are merged once.
import { describe, expect, it } from 'vitest';
import { WindowedSeries } from '../../../src/client/lod/windowed-series.js';
import { MetricSeries } from '../../../src/client/series.js';
import type { SeriesWindow } from '../../../src/protocol/index.js';

/** An overview of trial `t` holding steps 0..9 (value = step, time = 1000 + step). */
function overview(x: 'step' | 'time'): SeriesWindow {
  const steps = Array.from({ length: 10 }, (_, i) => i);
  return {
    key: 'loss',
    x,
    from: 0,
    to: 9,
    columns: 10,
    series: [
      { trialId: 't', exact: true, raw: true, steps, values: steps, timestamps: steps.map((s) => 1000 + s) },
    ],
  };
}

const points = (curve: MetricSeries) =>
  Array.from(curve.steps).map((step, i) => [step, curve.values[i], curve.timestamps[i]]);

describe('windowed series', () => {
  for (const x of ['step', 'time'] as const) {
    it(`merges live points behind a curve's end or again at its steps, once each (x: ${x})`, () => {
      const windowed = new WindowedSeries('loss', x, () => 0);
      windowed.setOverview(overview(x));
      // The store's live series: points received live, ordered by step.
      const live = new MetricSeries('t', 'loss');
      const curve = windowed.curve('t', live) as MetricSeries;
      expect(curve.length).toBe(10);
      // A point logged late at step 4, and step 9 logged again with another value.
      let changed = live.append([4], [44], [1100]);
      expect(windowed.grow('t', live, changed)).toBe(5);
      changed = live.append([9], [99], [1101]);
      expect(windowed.grow('t', live, changed)).toBe(11);
      // A live point past the end, then a change that brings nothing new.
      changed = live.append([10], [10], [1102]);
      expect(windowed.grow('t', live, changed)).toBe(12);
      expect(windowed.grow('t', live, 0)).toBeUndefined();
      expect(points(curve)).toEqual([
        ...[0, 1, 2, 3, 4].map((s) => [s, s, 1000 + s]),
        [4, 44, 1100],
        ...[5, 6, 7, 8, 9].map((s) => [s, s, 1000 + s]),
        [9, 99, 1101],
        [10, 10, 1102],
      ]);
    });
  }
});
