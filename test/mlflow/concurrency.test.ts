import { describe, expect, it } from 'vitest';
import { mapConcurrently } from '../../src/mlflow/index.js';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('mapConcurrently', () => {
  it('keeps at most `concurrency` tasks in flight and returns results in input order', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapConcurrently([5, 1, 4, 2, 3], 2, async (n) => {
      most = Math.max(most, ++inFlight);
      for (let i = 0; i < n; i++) await tick();
      inFlight--;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(most).toBe(2);
  });

  it('starts no new task after a failure and rejects with it', async () => {
    const started: number[] = [];
    const run = mapConcurrently([1, 2, 3, 4], 1, async (n) => {
      started.push(n);
      if (n === 2) throw new Error('two failed');
    });
    await expect(run).rejects.toThrow('two failed');
    expect(started).toEqual([1, 2]);
  });
});
