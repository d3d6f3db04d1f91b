// A worker left idle for a long time (a service between searches) still wakes and stops: each poll
// used to wrap the last wake-up in a new one, so after hours of polls a wake or a stop overflowed
// the stack ("Maximum call stack size exceeded").
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryStorage } from '../../src/sync/index.js';
import { DEFAULT_JOB_RETRY, Worker } from '../../src/sync/worker.js';

afterEach(() => {
  vi.restoreAllMocks();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('an idle worker', () => {
  it('holds one wake-up per waiting loop however many polls found nothing', async () => {
    const storage = createMemoryStorage();
    await storage.ready();
    const ran: number[] = [];
    const worker = new Worker(
      storage,
      {
        run: async (job) => {
          ran.push(job.id);
        },
        onClaimed: async () => {},
        onDone: async () => {},
        onFailed: async () => {},
      },
      { concurrency: 2, leaseMs: 30_000, pollIntervalMs: 5, retry: DEFAULT_JOB_RETRY },
    );
    worker.start();
    // Dozens of empty polls by each of the two loops.
    await sleep(400);
    expect(ran).toEqual([]);
    // Each wake clears the timer of each waiting loop (two at most), not one per poll so far. A
    // loop may be reading the store rather than waiting at a given wake: over many, some wait.
    const cleared = vi.spyOn(globalThis, 'clearTimeout');
    let total = 0;
    for (let i = 0; i < 20; i++) {
      cleared.mockClear();
      worker.wake();
      expect(cleared.mock.calls.length).toBeLessThanOrEqual(2);
      total += cleared.mock.calls.length;
      await sleep(20);
    }
    expect(total).toBeGreaterThan(0);
    cleared.mockRestore();
    await worker.stop();
    expect(worker.isRunning).toBe(false);
    await storage.close();
  });
});
