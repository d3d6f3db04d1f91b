// `trialkit serve` and a team: a star and a comment made in one page land on the MLflow run and
// reach a second page through the poller (within its interval, not the metrics' second).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cliPath, ensureBuilt } from '../../scripts/ensure-built.mjs';
import { MlflowClient } from '../../src/mlflow/index.js';
import { launchChromium, type ServerProcess, startServer } from './harness.js';

describe('trialkit serve, two pages', () => {
  const mlflowUri = inject('mlflowUri');
  const client = new MlflowClient({ trackingUri: mlflowUri });
  const experiment = `e2e-serve-team-${Date.now()}`;
  let runId: string;
  let server: ServerProcess;
  let browser: Browser;
  const pages: Page[] = [];

  beforeAll(async () => {
    ensureBuilt();
    const experimentId = await client.createExperiment(experiment);
    runId = (await client.createRun({ experimentId, runName: 'lr=0.01' })).info.runId;
    await client.logBatch(runId, {
      params: { lr: '0.01' },
      metrics: [{ key: 'loss', value: 1, step: 0, timestamp: Date.now() }],
    });
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
    for (const name of ['ana', 'bo']) {
      const page = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
      await page.goto(server.url);
      await page.locator(`trial-table [role="row"][data-id="${runId}"]`).waitFor({ timeout: 60_000 });
      await page.evaluate(`(() => {
        const d = document.querySelector('trial-dashboard');
        d.viewer = { name: ${JSON.stringify(name)} };
        d.shadowRoot.querySelector('trial-table').columns = ['status', 'starred', 'number', 'tags', 'comments'];
      })()`);
      pages.push(page);
    }
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop('SIGKILL');
  });

  it('writes a star and a comment onto the run, and the other page sees them', async () => {
    const [ana, bo] = pages;
    const row = (page: Page) => page.locator(`trial-table [role="row"][data-id="${runId}"]`);
    await row(ana).locator('.star').click();
    await row(ana).locator('[role="gridcell"]').first().click();
    const form = ana.locator('trial-comments form');
    await form.locator('textarea').fill('worth a longer run');
    await form.getByRole('button', { name: 'Add comment' }).click();
    await expect
      .poll(async () => (await client.getRun(runId)).data.tags['trialkit.starred'], { timeout: 5000 })
      .toBe('true');
    await expect
      .poll(async () => row(bo).locator('.star').getAttribute('aria-pressed'), { timeout: 5000 })
      .toBe('true');
    await expect
      .poll(async () => row(bo).locator('.comments-cell').textContent(), { timeout: 5000 })
      .toContain('ana: worth a longer run');
    const tags = (await client.getRun(runId)).data.tags;
    const comment = Object.entries(tags).find(([key]) => key.startsWith('trialkit.comment.'));
    expect(JSON.parse(comment?.[1] ?? '{}')).toMatchObject({ author: 'ana', text: 'worth a longer run' });
  }, 60_000);
});

describe('trialkit serve on the network', () => {
  const mlflowUri = inject('mlflowUri');
  const client = new MlflowClient({ trackingUri: mlflowUri });

  it('takes a star with its --token, and none without', async () => {
    ensureBuilt();
    const experiment = `e2e-serve-token-${Date.now()}`;
    const experimentId = await client.createExperiment(experiment);
    const runId = (await client.createRun({ experimentId, runName: 'lr=0.1' })).info.runId;
    const server = await startServer([
      cliPath,
      'serve',
      '--mlflow',
      mlflowUri,
      '--experiment',
      experiment,
      '--host',
      '0.0.0.0',
      '--port',
      '0',
      '--token',
      'secret',
    ]);
    try {
      const post = (headers: Record<string, string>) =>
        fetch(`${server.url}/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ v: 3, seq: 0, type: 'trial.patch', trialId: runId, starred: true }),
        });
      expect((await post({})).status).toBe(401);
      expect((await client.getRun(runId)).data.tags['trialkit.starred']).toBeUndefined();
      const accepted = await post({ authorization: 'Bearer secret' });
      expect(accepted.status, await accepted.clone().text()).toBeLessThan(300);
      await expect
        .poll(async () => (await client.getRun(runId)).data.tags['trialkit.starred'], { timeout: 5000 })
        .toBe('true');
    } finally {
      await server.stop('SIGKILL');
    }
  }, 120_000);
});
