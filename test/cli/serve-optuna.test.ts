// `trialkit serve` on searches logged by real Optuna with its MLflow callback, seen in Chromium:
// trials labelled by run name, a name column, numeric params, one-point series drawn as markers,
// the objective and search space in the header, and a parent run shown as its own study.
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cliPath, ensureBuilt } from '../../scripts/ensure-built.mjs';
import { venvPython } from '../../scripts/mlflow-server.mjs';
import { launchChromium, type ServerProcess, startServer } from './harness.js';

const script = fileURLToPath(new URL('../fixtures/optuna_search.py', import.meta.url));
/** `TRIALKIT_DOCS=1` refreshes the README's picture; otherwise the screenshot goes to a temp file. */
const screenshot = process.env.TRIALKIT_DOCS
  ? fileURLToPath(new URL('../../docs/optuna-study.png', import.meta.url))
  : join(tmpdir(), 'trialkit-optuna-study.png');

/** Runs in the page: how many pixels of the charts' canvases are coloured (curves, markers) rather than grey (grid, axes). */
const COLOURED_PIXELS = `(() => {
  let coloured = 0;
  for (const chart of document.querySelector('trial-dashboard').shadowRoot.querySelectorAll('trial-metrics-chart')) {
    for (const canvas of chart.shadowRoot.querySelectorAll('canvas')) {
      const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] > 0 && Math.max(data[i], data[i + 1], data[i + 2]) - Math.min(data[i], data[i + 1], data[i + 2]) > 60) coloured++;
      }
    }
  }
  return coloured;
})()`;

describe('trialkit serve on Optuna searches', () => {
  const mlflowUri = inject('mlflowUri');
  const prefix = `serve-optuna-${Date.now()}`;
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ensureBuilt();
    const run = spawnSync(venvPython, [script, mlflowUri, prefix], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    server = await startServer([
      cliPath,
      'serve',
      '--mlflow',
      mlflowUri,
      '--experiment',
      `${prefix}-flat`,
      '--experiment',
      `${prefix}-nested`,
      '--port',
      '0',
    ]);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(server.url);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop('SIGKILL');
  });

  it('shows the Optuna study with its best trial, direction and search space', async () => {
    await page.getByRole('option', { name: new RegExp(`${prefix}-flat`) }).click();
    const header = page.locator('trial-dashboard header.header');
    await expect.poll(() => header.textContent(), { timeout: 30_000 }).toContain('layers: int[1, 4]');
    const text = (await header.textContent()) ?? '';
    expect(text).toMatch(/Best trial\s*\d\s*value [\d.]+\s*\(minimize\)/);
    expect(text).toContain('lr: log[1e-05, 0.1] · optimizer: {adam, sgd}');
    expect(text).not.toContain('Params per trial');
  }, 60_000);

  it('labels the trials by run name in the table and the legend, params right-aligned as numbers', async () => {
    const names = page.locator('trial-table [role="row"] [role="gridcell"]:nth-child(3)');
    await expect.poll(() => names.allTextContents(), { timeout: 30_000 }).toHaveLength(5);
    expect((await names.allTextContents()).map((t) => t.trim()).sort()).toEqual(['0', '1', '2', '3', '4']);
    await expect
      .poll(() =>
        page
          .locator('trial-table [role="columnheader"]')
          .allTextContents()
          .then((all) => all.map((t) => t.trim())),
      )
      .toContain('Name');
    const lrHeader = page.locator('trial-table [role="columnheader"]', { hasText: /^\s*lr\s*$/ });
    expect(await lrHeader.getAttribute('class')).toContain('num');
    // The charts render their legends a frame or more after the table has its rows.
    const legend = page.locator('trial-metrics-chart [part="legend-item"]');
    await expect.poll(() => legend.allTextContents(), { timeout: 30_000 }).toHaveLength(5);
    expect((await legend.allTextContents()).map((t) => t.trim()).sort()).toEqual(['0', '1', '2', '3', '4']);
  }, 60_000);

  it('draws one-point series as markers', async () => {
    await expect.poll(() => page.evaluate(COLOURED_PIXELS), { timeout: 10_000 }).toBeGreaterThan(5 * 20);
    await page.screenshot({ path: screenshot });
  }, 30_000);

  it("ranks the study's params in the Analysis tab, in workers the page's policy allows", async () => {
    await page.getByRole('tab', { name: 'Analysis' }).click();
    const ranking = () =>
      page.evaluate(() => {
        const view = document
          .querySelector('trial-dashboard')!
          .shadowRoot!.querySelector('trial-param-importance');
        return (
          view?.result && { venue: view.venue, names: view.result.importances.map((p) => p.name).sort() }
        );
      });
    await expect
      .poll(ranking, { timeout: 30_000 })
      .toEqual({ venue: 'worker', names: ['layers', 'lr', 'optimizer'] });
    await page.getByRole('tab', { name: 'Curves' }).click();
  }, 60_000);

  it('shows a parent run with child trials as a study of its own', async () => {
    await page.getByRole('option', { name: /lr-search/ }).click();
    const header = page.locator('trial-dashboard header.header');
    await expect.poll(() => header.textContent(), { timeout: 30_000 }).toContain('lr-search');
    expect(await header.textContent()).toContain('(maximize)');
    const rows = page.locator('trial-table [role="row"][data-id]');
    await expect.poll(() => rows.count()).toBe(3);
  }, 60_000);
});
