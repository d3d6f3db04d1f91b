// The soak test, CI-sized: 50 SSE clients (a fifth slow, a fifth reconnecting with Last-Event-ID)
// follow the built dashboard server, in its own process, while producers post 2,000 points/s for
// 20 s. `npm run soak` runs the same code with 200 clients at 10,000 points/s for 60 s.
import { describe, expect, it } from 'vitest';
import { runSoak } from '../../scripts/soak.mjs';

/**
 * Bounds: the server's resident memory grows by less than 256 MiB over its baseline (the
 * embedded PGlite database, ~450 MiB, is the baseline); writes answer within 100 ms when the
 * machine is free (`npm run soak`: 88 ms at most). Here, next to other test files on a shared
 * machine, 99% must answer within 200 ms and every one within 1 s.
 */
const MAX_RSS_GROWTH_MIB = 256;

describe('the dashboard server under load', () => {
  it('delivers every event exactly once to every client, with bounded memory and fast writes', async () => {
    const report = await runSoak({ clients: 50, pointsPerSecond: 2000, seconds: 20 });
    console.log(`soak: ${JSON.stringify(report)}`);
    expect(report.pointsPerSecond).toBeGreaterThan(1800);
    expect(report.errors).toEqual([]);
    expect(report.missed).toBe(0);
    expect(report.duplicates).toBe(0);
    expect(report.behind).toBe(0);
    // Reconnecting clients resumed from the replay buffer: one snapshot per client, no more.
    expect(report.connections).toBeGreaterThan(report.clients);
    expect(report.server.rssGrowthMiB).toBeLessThan(MAX_RSS_GROWTH_MIB);
    expect(report.server.writeP99Ms).toBeLessThan(200);
    expect(report.server.writeMaxMs).toBeLessThan(1000);
  }, 120_000);
});
