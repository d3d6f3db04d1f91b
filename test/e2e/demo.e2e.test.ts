// `npm start` end to end: the demo server from a fresh data directory, its page in Chromium, trials
// appearing and curves growing, and a clean stop that leaves the data directory usable.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, root } from '../../scripts/ensure-built.mjs';
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
  });

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
