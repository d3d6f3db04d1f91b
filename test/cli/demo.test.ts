// `npm start` end to end: the demo server from a fresh data directory, its page in Chromium, trials
// appearing and curves growing, and a clean stop that leaves the data directory usable.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureBuilt, root } from '../../scripts/ensure-built.mjs';
import { MlflowClient } from '../../src/mlflow/index.js';
import { expectLiveDashboard, launchChromium, type ServerProcess, startServer } from './harness.js';

describe('npm start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'trialkit-e2e-demo-'));
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => {
    ensureBuilt();
    server = await startServer([join(root, 'scripts/start.mjs'), '--data-dir', dataDir, '--port', '0']);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints progress lines and the URL while it starts', () => {
    expect(server.output()).toContain('starting PGlite');
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers its health check', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, demo: true });
  });

  it('shows trials appearing and curves growing in Chromium', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(server.url);
    await expectLiveDashboard(page, 4);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('stops cleanly on SIGINT and starts again on the same data directory', async () => {
    const code = await server.stop('SIGINT');
    expect(code).toBe(0);
    expect(server.output()).toContain('stopped');
    server = await startServer([join(root, 'scripts/start.mjs'), '--data-dir', dataDir, '--port', '0']);
    const snapshot = await readSnapshot(server.url);
    // The first run's studies survived, paused, next to the new run's.
    expect(snapshot.studies.some((s) => s.status === 'paused')).toBe(true);
    expect(snapshot.studies.some((s) => s.status === 'running')).toBe(true);
    expect(snapshot.trials.filter((t) => t.tags.cancelled_by === 'demo restart').length).toBeGreaterThan(0);
  }, 180_000);
});

describe('npm start with MLFLOW_TRACKING_URI', () => {
  const mlflowUri = inject('mlflowUri');
  const dataDir = mkdtempSync(join(tmpdir(), 'trialkit-e2e-demo-mlflow-'));
  let server: ServerProcess;

  beforeAll(async () => {
    ensureBuilt();
    server = await startServer([join(root, 'scripts/start.mjs'), '--data-dir', dataDir, '--port', '0'], {
      env: { MLFLOW_TRACKING_URI: mlflowUri },
    });
  });

  afterAll(async () => {
    await server?.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('syncs the trials to MLflow, one run per trial with its metrics', async () => {
    const client = new MlflowClient({ trackingUri: mlflowUri });
    const deadline = Date.now() + 90_000;
    let seen = 'no experiment yet';
    while (Date.now() < deadline) {
      const experiment = await client.getExperimentByName('trialkit demo: ResNet-18 on CIFAR-10 #1');
      if (experiment) {
        const { runs } = await client.searchRuns({ experimentIds: [experiment.experimentId] });
        const withMetrics = runs.filter((r) => r.data.metrics.val_loss !== undefined);
        seen = `${runs.length} runs, ${withMetrics.length} with val_loss`;
        if (withMetrics.length >= 4) return;
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
    throw new Error(`MLflow did not receive the demo's trials within 90 s: ${seen}\n${server.output()}`);
  }, 120_000);

  it('links the dashboard to the MLflow UI', async () => {
    const html = await (await fetch(server.url)).text();
    expect(html).toContain(`mlflow-ui-url="${mlflowUri}"`);
  });
});

interface Snapshot {
  studies: { id: string; status: string }[];
  trials: { id: string; status: string; tags: Record<string, string> }[];
}

/** The first event of the SSE stream: the snapshot. */
async function readSnapshot(url: string): Promise<Snapshot> {
  const controller = new AbortController();
  const res = await fetch(`${url}/events`, { signal: controller.signal });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the stream ended before a snapshot: ${text.slice(0, 500)}`);
    text += value;
    const match = /^data: (.*"type":"snapshot".*)$/m.exec(text);
    if (match && text.includes('\n\n', match.index)) {
      controller.abort();
      return JSON.parse(match[1]);
    }
  }
}
