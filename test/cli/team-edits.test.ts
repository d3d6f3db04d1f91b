// A team watching one demo server from two browsers: stars, tags, comments and annotations one
// page writes reach the other within a second; text stays text; a server that takes no edits from
// the page shows the controls disabled with the reason.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, ensureBuilt } from '../../scripts/ensure-built.mjs';
import { launchChromium, type ServerProcess, startServer } from './harness.js';

/** How long the other page may take to show an edit. */
const LIVE_MS = 1000;

async function openDashboard(browser: Browser, url: string, viewer: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  await page.goto(url);
  await page.locator('trial-table [role="row"][data-id]').first().waitFor({ timeout: 60_000 });
  await page.evaluate(
    `document.querySelector('trial-dashboard').viewer = { name: ${JSON.stringify(viewer)} }`,
  );
  // The team's columns in view (they come after the metrics and params otherwise).
  await page.evaluate(
    `document.querySelector('trial-dashboard').shadowRoot.querySelector('trial-table').columns = ['status', 'starred', 'number', 'tags', 'comments']`,
  );
  return page;
}

/** Resolves with the milliseconds `check` took to pass, polling every 25 ms; throws past `LIVE_MS`. */
async function within(what: string, check: () => Promise<boolean>, limit = LIVE_MS): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < limit) {
    if (await check()) return performance.now() - start;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${what}: not seen within ${limit} ms`);
}

describe('two pages on one demo server', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'trialkit-team-'));
  let server: ServerProcess;
  let browser: Browser;
  let ana: Page;
  let bo: Page;
  let trialId: string;
  const row = (page: Page) => page.locator(`trial-table [role="row"][data-id="${trialId}"]`);

  beforeAll(async () => {
    ensureBuilt();
    server = await startServer([cliPath, 'demo', '--data-dir', dataDir, '--port', '0']);
    browser = await launchChromium();
    [ana, bo] = await Promise.all([
      openDashboard(browser, server.url, 'ana'),
      openDashboard(browser, server.url, 'bo'),
    ]);
    // The first row in the default order; both pages show the same study.
    trialId = (await ana
      .locator('trial-table [role="row"][data-id]')
      .first()
      .getAttribute('data-id')) as string;
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("shows one page's star on the other within a second", async () => {
    await row(ana).locator('.star').click();
    await within(
      'the star on the other page',
      async () => (await row(bo).locator('.star').getAttribute('aria-pressed')) === 'true',
    );
    // The writing page learns of its edit from its own stream too, which may come a moment after the other's.
    await within(
      'the star on the writing page',
      async () => (await row(ana).locator('.star').getAttribute('aria-pressed')) === 'true',
    );
  });

  it("shows one page's tag on the other within a second, and its removal", async () => {
    await row(ana).locator('.tag-add').click();
    await row(ana).locator('.tag-input').fill('candidate');
    await row(ana).locator('.tag-input').press('Enter');
    const tag = (page: Page) => row(page).locator('.tag-text', { hasText: /^candidate$/ });
    await within('the tag on the other page', async () => (await tag(bo).count()) === 1);
    // The cell may be too narrow to show the new chip: press it where it is.
    await row(bo)
      .getByRole('button', { name: /^Remove tag candidate/ })
      .dispatchEvent('click');
    await within('the removal on the first page', async () => (await tag(ana).count()) === 0);
  });

  it('shows a comment, as text, and an annotation on the other page within a second', async () => {
    for (const page of [ana, bo]) await row(page).locator('[role="gridcell"]').first().click();
    const hostile = '<img src=x onerror="window.__xss=1">diverging at step 3';
    const form = ana.locator('trial-comments form');
    await form.locator('textarea').fill(hostile);
    await form.getByRole('button', { name: 'Add comment' }).click();
    const text = bo.locator('trial-comments .comment-text', { hasText: 'diverging at step 3' });
    await within('the comment on the other page', async () => (await text.count()) === 1);
    expect(await text.textContent()).toBe(hostile);
    expect(await bo.locator('trial-comments img').count()).toBe(0);
    expect(await bo.evaluate('window.__xss')).toBeUndefined();
    // The latest comment and the count are in the table.
    await within('the comments cell', async () =>
      ((await row(bo).locator('.comments-cell').textContent()) ?? '').includes('1'),
    );

    await form.locator('input[name="step"]').fill('1');
    await form.locator('textarea').fill('lr drop here');
    await form.getByRole('button', { name: 'Add annotation' }).click();
    const marker = bo.locator('trial-metrics-chart .annotation-flag', { hasText: 'lr drop here' });
    await within('the annotation marker on the other page', async () => (await marker.count()) > 0);
    expect(await bo.locator('trial-comments .step-badge', { hasText: 'step 1' }).count()).toBe(1);
  });

  it('saves notes from the page, and shows them on the other', async () => {
    const notes = ana.locator('trial-dashboard textarea[aria-label^="Notes for trial"]');
    await notes.fill('candidate for a 3x longer run');
    await ana.getByRole('button', { name: 'Save notes' }).click();
    await within(
      'the notes on the other page',
      async () =>
        ((await bo.locator('trial-dashboard textarea[aria-label^="Notes for trial"]').inputValue()) ?? '') ===
        'candidate for a 3x longer run',
    );
  });

  it('lets the author alone edit and delete a comment', async () => {
    const mine = ana.locator('trial-comments .comment', { hasText: 'lr drop here' });
    const theirs = bo.locator('trial-comments .comment', { hasText: 'lr drop here' });
    expect(await theirs.getByRole('button', { name: /Delete/ }).count()).toBe(0);
    await mine.getByRole('button', { name: /Delete/ }).click();
    await within('the deletion on the other page', async () => (await theirs.count()) === 0);
  });
});

describe('a server that takes no edits from the page', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'trialkit-team-ro-'));
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => {
    ensureBuilt();
    server = await startServer([cliPath, 'demo', '--data-dir', dataDir, '--port', '0', '--token', 'secret']);
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the controls disabled, with the reason', async () => {
    const context = await browser.newContext();
    await context.setExtraHTTPHeaders({ authorization: 'Bearer secret' });
    const page = await context.newPage();
    await page.goto(server.url);
    await page.locator('trial-table [role="row"][data-id]').first().waitFor({ timeout: 60_000 });
    await page.evaluate(
      `document.querySelector('trial-dashboard').shadowRoot.querySelector('trial-table').columns = ['status', 'starred', 'number']`,
    );
    const star = page.locator('trial-table [role="row"][data-id] .star').first();
    await star.waitFor();
    expect(await star.getAttribute('aria-disabled')).toBe('true');
    expect(await star.getAttribute('title')).toMatch(/Read-only: this server takes no edits/);
    // Playwright will not press an aria-disabled button: a user can, and nothing must happen.
    await star.click({ force: true });
    expect(await star.getAttribute('aria-pressed')).toBe('false');
    await page.locator('trial-table [role="row"][data-id] [role="gridcell"]').first().click();
    const textarea = page.locator('trial-comments textarea[name="comment"]');
    expect(await textarea.isDisabled()).toBe(true);
    expect(await page.locator('trial-comments #comments-read-only').textContent()).toMatch(/Read-only/);
  }, 120_000);
});
