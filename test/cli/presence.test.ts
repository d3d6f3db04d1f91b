// Presence end to end: two Chromium pages on one server (`npm start`'s demo, `trialkit serve`) see
// each other in the dashboard header within a second, an unnamed page is counted, and a closed
// page disappears.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cliPath, ensureBuilt, root } from '../../scripts/ensure-built.mjs';
import { MlflowClient } from '../../src/mlflow/index.js';
import { launchChromium, type ServerProcess, startServer } from './harness.js';

/** Runs in the page: the presence chips' titles and the anonymous count, through shadow roots. */
const READ_PRESENCE = `(() => {
  const root = document.querySelector('trial-dashboard')?.shadowRoot;
  const area = root?.querySelector('[part="presence"]');
  return {
    shown: !!area,
    state: area?.dataset.state ?? (area ? 'on' : 'absent'),
    viewers: [...(area?.querySelectorAll('[part="viewer"]') ?? [])].map((chip) => chip.title),
    anonymous: area?.querySelector('.anonymous')?.textContent ?? '',
  };
})()`;

interface PresenceReading {
  shown: boolean;
  state: string;
  viewers: string[];
  anonymous: string;
}

const readPresence = (page: Page) => page.evaluate(READ_PRESENCE) as Promise<PresenceReading>;

/** Polls the page until `check` holds; fails with the last reading after `timeoutMs`. */
async function waitForPresence(page: Page, check: (r: PresenceReading) => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let last = await readPresence(page);
  while (!check(last)) {
    if (Date.now() > deadline)
      throw new Error(`presence not as expected within ${timeoutMs} ms: ${JSON.stringify(last)}`);
    await page.waitForTimeout(25);
    last = await readPresence(page);
  }
  return last;
}

/** A page in its own browser context (its own tab, cookies and connection), named `name`. */
async function viewer(
  browser: Browser,
  url: string,
  name?: string,
): Promise<{ page: Page; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(url);
  // Presence is live once the header's presence area shows (chips or a count, not "Viewers unknown").
  await waitForPresence(page, (r) => r.shown && r.state === 'on', 60_000);
  if (name) {
    await page.evaluate((n) => {
      (document.querySelector('trial-dashboard') as HTMLElement & { viewerName?: string }).viewerName = n;
    }, name);
  }
  return {
    page,
    close: async () => {
      expect(errors).toEqual([]);
      await context.close();
    },
  };
}

/** Two named pages and an anonymous one join, then leave; each step seen within a second. */
async function watchTogether(browser: Browser, url: string): Promise<void> {
  const ada = await viewer(browser, url, 'Ada');
  await waitForPresence(ada.page, (r) => r.viewers.includes('Ada (you)'), 1000);
  const bob = await viewer(browser, url, 'Bob');
  // From Bob naming himself to both headers showing both names: within a second.
  await Promise.all([
    waitForPresence(ada.page, (r) => r.viewers.includes('Bob'), 1000),
    waitForPresence(bob.page, (r) => r.viewers.includes('Ada') && r.viewers.includes('Bob (you)'), 1000),
  ]);
  const anonymous = await viewer(browser, url);
  await waitForPresence(ada.page, (r) => r.anonymous === '+1 anonymous', 1000);
  expect((await readPresence(anonymous.page)).viewers).toEqual(['Ada', 'Bob']);

  // A closed tab ends its stream: the others see it gone within a second (a lost connection,
  // which only the missing heartbeats reveal, within 15 s: see test/server/presence.test.ts).
  await bob.close();
  await waitForPresence(ada.page, (r) => !r.viewers.includes('Bob'), 1000);
  await anonymous.close();
  const alone = await waitForPresence(ada.page, (r) => r.anonymous === '', 1000);
  expect(alone.viewers).toEqual(['Ada (you)']);
  await ada.close();
}

describe('presence on the demo server (npm start)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'trialkit-e2e-presence-'));
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => {
    ensureBuilt();
    server = await startServer([join(root, 'scripts/start.mjs'), '--data-dir', dataDir, '--port', '0']);
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows two pages each other within a second, counts an unnamed one, and drops a closed one', async () => {
    await watchTogether(browser, server.url);
  }, 240_000);
});

describe('presence on trialkit serve', () => {
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => {
    ensureBuilt();
    const client = new MlflowClient({ trackingUri: inject('mlflowUri') });
    const experiment = `e2e-presence-${Date.now()}`;
    const experimentId = await client.createExperiment(experiment);
    const { runId } = (await client.createRun({ experimentId, runName: 'lr=0.01' })).info;
    await client.logBatch(runId, { metrics: [{ key: 'loss', value: 1, step: 0, timestamp: Date.now() }] });
    server = await startServer([
      cliPath,
      'serve',
      '--mlflow',
      inject('mlflowUri'),
      '--experiment',
      experiment,
      '--port',
      '0',
      '--interval',
      '500',
    ]);
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop('SIGKILL');
  });

  it('shows two pages each other within a second, counts an unnamed one, and drops a closed one', async () => {
    await watchTogether(browser, server.url);
  }, 240_000);
});
