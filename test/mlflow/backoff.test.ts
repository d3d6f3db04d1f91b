import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/mlflow/index.js';

describe('backoffDelay', () => {
  it('waits between half and all of a ceiling that doubles from baseMs', () => {
    const options = { baseMs: 100, maxMs: 10_000 };
    expect([1, 2, 3].map((a) => backoffDelay(a, { ...options, random: () => 0 }))).toEqual([50, 100, 200]);
    expect([1, 2, 3].map((a) => backoffDelay(a, { ...options, random: () => 1 }))).toEqual([100, 200, 400]);
  });

  it('never lets the ceiling pass maxMs, and grows by factor', () => {
    expect(backoffDelay(30, { baseMs: 100, maxMs: 1000, random: () => 1 })).toBe(1000);
    expect(backoffDelay(3, { baseMs: 100, maxMs: 10_000, factor: 3, random: () => 1 })).toBe(900);
  });
});
