import { describe, expect, it } from 'vitest';
import { mergeSummary, summarizePoints } from '../../../src/client/lod/summary.js';

const points = (steps: number[], values: number[]) => ({
  steps,
  values,
  timestamps: steps.map((s) => s * 10),
});

describe('series summaries', () => {
  it('summarise raw points: first and last by step, extremes over the finite values', () => {
    const s = summarizePoints(
      't',
      'loss',
      points([3, 1, 2, 5, 6], [0.5, Number.NaN, -Infinity, 2, Infinity]),
    )!;
    expect(s.count).toBe(5);
    expect(s.first).toEqual({ step: 1, value: Number.NaN, timestamp: 10 });
    expect(s.last).toEqual({ step: 6, value: Infinity, timestamp: 60 });
    // A divergence is not a best: the extremes are finite.
    expect(s.min!.value).toBe(0.5);
    expect(s.max!.step).toBe(5);
  });

  it('has no extremes when every value is NaN, and nothing for no points', () => {
    expect(summarizePoints('t', 'k', points([1], [Number.NaN]))!.min).toBeNull();
    expect(summarizePoints('t', 'k', points([], []))).toBeUndefined();
  });

  it('merging batches equals summarising all their points', () => {
    const a = points([0, 1, 2], [3, 1, 4]);
    const b = points([3, 4], [0.5, 9]);
    const merged = mergeSummary(summarizePoints('t', 'k', a)!, summarizePoints('t', 'k', b)!);
    const whole = summarizePoints('t', 'k', {
      steps: [...a.steps, ...b.steps],
      values: [...a.values, ...b.values],
      timestamps: [...a.timestamps, ...b.timestamps],
    });
    expect(merged).toEqual(whole);
  });

  it('takes the newer point for the last step on ties, and keeps the held extremes on ties', () => {
    const held = summarizePoints('t', 'k', points([5], [1]))!;
    const next = summarizePoints('t', 'k', { steps: [5], values: [1], timestamps: [99] })!;
    const merged = mergeSummary(held, next);
    expect(merged.last.timestamp).toBe(99);
    expect(merged.min!.timestamp).toBe(50);
    expect(merged.first.timestamp).toBe(50);
    expect(merged.count).toBe(2);
  });

  it('lets a batch of NaN only leave the extremes as they were', () => {
    const held = summarizePoints('t', 'k', points([1], [2]))!;
    const nan = summarizePoints('t', 'k', points([2], [Number.NaN]))!;
    expect(mergeSummary(held, nan).max!.value).toBe(2);
    expect(mergeSummary(nan, held).min!.value).toBe(2);
  });
});
