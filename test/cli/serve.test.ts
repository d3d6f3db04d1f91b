// `trialkit serve` end to end: runs log metrics to the test MLflow server while the test watches
// the dashboard the CLI serves for that experiment in Chromium.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cliPath, ensureBuilt } from '../../scripts/ensure-built.mjs';
import { MlflowClient } from '../../src/mlflow/index.js';
import { expectLiveDashboard, launchChromium, type ServerProcess, startServer } from './harness.js';

/** Logs one point per run every `everyMs` until stopped: a training job MLflow users already have. */
function trainWhileWatched(client: MlflowClient, runIds: string[], everyMs = 300) {
  let step = 0;
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      step++;
      const timestamp = Date.now();
      await Promise.all(
        runIds.map((runId, i) =>
          client.logBatch(runId, {
            metrics: [
              { key: 'loss', value: 2 / (step + 1) + i * 0.1, step, timestamp },
              { key: 'accuracy', value: 1 - 1 / (step + 2) - i * 0.05, step, timestamp },
            ],
          }),
        ),
      );
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}

describe('trialkit serve', () => {
  const mlflowUri = inject('mlflowUri');
  const client = new MlflowClient({ trackingUri: mlflowUri });
  const experiment = `e2e-serve-${Date.now()}`;
  let training: ReturnType<typeof trainWhileWatched>;
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => {
    ensureBuilt();
    const experimentId = await client.createExperiment(experiment);
    const runIds: string[] = [];
    for (const name of ['lr=0.01', 'lr=0.001', 'lr=0.1']) {
      runIds.push((await client.createRun({ experimentId, runName: name })).info.runId);
    }
    for (const [i, runId] of runIds.entries()) {
      await client.logBatch(runId, { params: { lr: ['0.01', '0.001', '0.1'][i], batch_size: '64' } });
    }
    training = trainWhileWatched(client, runIds);
    server = await startServer([
      cliPath,
      'serve',
      '--mlflow',
      mlflowUri,
      '--experiment',
      experiment,
      '--port',
      '0',
      '--interval',
      '500',
    ]);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await training?.stop();
    await browser?.close();
    await server?.stop('SIGKILL');
  });

  it('says what it watches and where it serves', () => {
    expect(server.output()).toContain(`connecting to MLflow at ${mlflowUri}`);
    expect(server.output()).toContain(JSON.stringify(experiment));
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('shows the runs as trials and their curves growing in Chromium', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(server.url);
    await expectLiveDashboard(page, 3);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('opens a study by its experiment name from /?study=NAME, and keeps the view in the address bar', async () => {
    const html = await (await fetch(server.url)).text();
    expect(html).toContain('url-state=""');
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${server.url}/?study=${encodeURIComponent(experiment)}`);
    const dashboard = page.locator('trial-dashboard');
    await expect
      .poll(() => dashboard.locator('[part="header"] h2').textContent(), { timeout: 60_000 })
      .toBe(experiment);
    // The name becomes the study's id in the address bar.
    await expect
      .poll(() => new URL(page.url()).searchParams.get('study'), { timeout: 10_000 })
      .not.toBe(experiment);
    expect(new URL(page.url()).searchParams.get('v')).toBe('1');
    await page.close();
  }, 120_000);

  it('stops cleanly on SIGINT', async () => {
    expect(await server.stop('SIGINT')).toBe(0);
  });
});
