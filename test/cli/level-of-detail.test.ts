// Level of detail end to end: `npm start`'s page in Chromium asks the event stream for protocol v2,
// draws curves from windows fetched at /series, and fetches the exact window of a zoom.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, root } from '../../scripts/ensure-built.mjs';
import { expectLiveDashboard, launchChromium, type ServerProcess, startServer } from './harness.js';

/** The x range a window request covers. */
const span = (url: URL) => Number(url.searchParams.get('to')) - Number(url.searchParams.get('from'));

describe('npm start with level-of-detail windows', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'trialkit-e2e-lod-'));
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

  it('draws curves from fetched windows and fetches the exact window of a zoom', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    const streams: URL[] = [];
    const windows: URL[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.endsWith('/events')) streams.push(url);
      if (url.pathname.endsWith('/series')) windows.push(url);
    });
    page.on('response', async (response) => {
      if (new URL(response.url()).pathname.endsWith('/series') && !response.ok())
        errors.push(`${response.status()} ${await response.text()}`);
    });
    await page.goto(server.url);
    await expectLiveDashboard(page, 4, 5_000);
    expect(streams.some((url) => url.searchParams.get('v') === '2' && url.searchParams.has('points'))).toBe(
      true,
    );
    expect(windows.length).toBeGreaterThan(0);
    const overview = windows[0].searchParams;
    expect(overview.get('key')).toBeTruthy();
    expect(Number(overview.get('columns'))).toBeGreaterThan(100);

    const overlay = page.locator('trial-metrics-chart canvas.overlay').first();
    const before = windows.length;
    // A box drag over a tenth of the plot's middle. (The x axis of running trials reaches past their
    // data, up to twice as far: a quarter of it was at times more than half of an overview.)
    const box = (await overlay.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.3);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.5, { steps: 4 });
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.7, { steps: 4 });
    await page.mouse.up();
    // Narrower than half of any overview asked so far: the demo's trials grow meanwhile, and so do
    // the overviews (asked again once outgrown), so the zoom is not compared with the first alone.
    const widest = Math.max(...windows.slice(0, before).map(span));
    await expect
      .poll(() => windows.slice(before).map(span), { timeout: 10_000 })
      .toSatisfy((spans: number[]) => spans.some((s) => s < widest / 2));
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);
});
