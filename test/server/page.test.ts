// The page both commands serve, in Chromium under its own Content-Security-Policy: the dashboard
// still starts, and axe-core finds its landmark and heading.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../scripts/chromium.mjs';
import { ensureBuilt, root } from '../../scripts/ensure-built.mjs';
import { loadBrowserBundle } from '../../src/cli/browser-bundle.js';
import { createEventStream, type DashboardServer, startDashboardServer } from '../../src/server/index.js';
import { batch, study, TestProducer, trial } from '../client/fixtures.js';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeResult {
  violations: { id: string; help: string; nodes: unknown[] }[];
  passes: { id: string }[];
}

describe('the dashboard page in Chromium', () => {
  let server: DashboardServer;
  let browser: Browser;
  const producer = new TestProducer();
  const events = createEventStream(producer);

  beforeAll(async () => {
    ensureBuilt({ types: false });
    producer.upsertStudy(study('s1', { name: 'Search one' }));
    producer.upsertTrial(trial('t1', 's1'));
    producer.append(batch('t1', 'loss', [0, 1, 2]));
    const bundle = await loadBrowserBundle(root);
    // The page asks at once for what it imports at once: the live connection and chart, not the
    // Analysis tab or the MLflow source.
    expect(bundle.preload.some((name) => name.startsWith('trialkit-live-'))).toBe(true);
    expect(bundle.preload.filter((name) => /analysis|mlflow/.test(name))).toEqual([]);
    expect(bundle.preload.every((name) => bundle.chunks[name] !== undefined)).toBe(true);
    server = await startDashboardServer({
      page: { title: 'trialkit test page', attributes: { src: '/events' } },
      bundle: bundle.code,
      bundleChunks: bundle.chunks,
      bundlePreload: bundle.preload,
      events,
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    events.close();
    await server?.close();
  });

  it('starts the dashboard under its CSP and has one main landmark and an h1', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(err.message));
    page.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) problems.push(message.text());
    });
    // Scripts only: this server has no /series or /presence, which the page asks for too.
    page.on('response', (response) => {
      if (response.status() >= 400 && response.url().endsWith('.js'))
        problems.push(`${response.status()} ${response.url()}`);
    });
    await page.goto(server.url);
    await page.waitForFunction(
      () => customElements.get('trial-dashboard') && document.querySelector('trial-dashboard')?.shadowRoot,
    );
    // The chart's code comes in a chunk of the bundle, which the server serves beside it.
    await page.waitForFunction(() => customElements.get('trial-metrics-chart'));
    await page.evaluate(axeSource);
    const result = (await page.evaluate(`axe.run(document, {
      runOnly: ['landmark-one-main', 'page-has-heading-one', 'region', 'landmark-no-duplicate-main'],
    })`)) as AxeResult;
    expect(result.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    expect(result.passes.map((p) => p.id)).toEqual(
      expect.arrayContaining(['landmark-one-main', 'page-has-heading-one']),
    );
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
