// The dashboard's HTTP server, with a stub event stream: the routes both commands rely on.
import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { TrialEvent } from '../../src/protocol/index.js';
import {
  type DashboardServer,
  type DashboardServerOptions,
  startDashboardServer,
} from '../../src/server/app.js';

const open: DashboardServer[] = [];

function rawGet(url: string, headers: Record<string, string>): Promise<{ encoding?: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }),
      );
    }).on('error', reject);
  });
}
afterEach(async () => {
  for (const server of open.splice(0)) await server.close();
});

async function start(extra: Partial<DashboardServerOptions> = {}): Promise<DashboardServer> {
  const server = await startDashboardServer({
    page: { title: 'Test <page>', attributes: { src: '/events', 'mlflow-ui-url': 'http://x/?a="b"' } },
    bundle: 'customElements.define("x-y", class extends HTMLElement {});',
    events: (_req, res) => res.writeHead(200, { 'content-type': 'text/event-stream' }).end(': stub\n\n'),
    ...extra,
  });
  open.push(server);
  return server;
}

describe('the dashboard server', () => {
  it('serves the page with its dashboard attributes escaped', async () => {
    const { url } = await start();
    const html = await (await fetch(url)).text();
    expect(html).toContain('<trial-dashboard src="/events" mlflow-ui-url="http://x/?a=&quot;b&quot;">');
    expect(html).toContain('<title>Test &lt;page&gt;</title>');
    expect(html).toContain('<script type="module" src="/trialkit.js">');
  });

  it('serves the bundle compressed, and revalidates it by ETag', async () => {
    const { url } = await start();
    const res = await fetch(`${url}/trialkit.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await res.text()).toContain('customElements.define');
    // fetch decompresses by itself; node:http shows what went over the wire.
    const raw = await rawGet(`${url}/trialkit.js`, { 'accept-encoding': 'gzip' });
    expect(raw.encoding).toBe('gzip');
    expect(gunzipSync(raw.body).toString()).toContain('customElements.define');
    const again = await fetch(`${url}/trialkit.js`, {
      headers: { 'if-none-match': res.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
  });

  it("serves the bundle's chunks beside it, compressed, for browsers to keep", async () => {
    const chunk = 'export const chart = "x-chart";';
    const { url } = await start({
      bundleChunks: { 'trialkit-live-AB12CD34.js': chunk },
      bundlePreload: ['trialkit-live-AB12CD34.js'],
    });
    expect(await (await fetch(url)).text()).toContain(
      '<link rel="modulepreload" href="/trialkit-live-AB12CD34.js">',
    );
    const res = await fetch(`${url}/trialkit-live-AB12CD34.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await res.text()).toBe(chunk);
    const raw = await rawGet(`${url}/trialkit-live-AB12CD34.js`, { 'accept-encoding': 'gzip' });
    expect(raw.encoding).toBe('gzip');
    expect(gunzipSync(raw.body).toString()).toBe(chunk);
    // The entry is revalidated at each load: its chunks' names change when they do.
    expect((await fetch(`${url}/trialkit.js`)).headers.get('cache-control')).toBe('no-cache');
    expect((await fetch(`${url}/trialkit-live-FFFFFFFF.js`)).status).toBe(404);
  });

  it('hands /events to the event stream and answers /healthz', async () => {
    const { url } = await start({ health: () => ({ studies: 2 }) });
    expect(await (await fetch(`${url}/events`)).text()).toBe(': stub\n\n');
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ ok: true, studies: 2 });
    expect((await fetch(`${url}/nope`)).status).toBe(404);
  });

  it('validates posted events and hands the valid ones over', async () => {
    const received: TrialEvent[] = [];
    const { url } = await start({ ingest: async (events) => void received.push(...events) });
    const study = { id: 's', name: 's', status: 'running', createdAt: 1 };
    const post = (body: unknown) =>
      fetch(`${url}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    const ok = await post([{ v: 1, seq: 1, type: 'study.upsert', study }]);
    expect(ok.status).toBe(202);
    expect(received.map((e) => e.type)).toEqual(['study.upsert']);
    const bad = await post({ v: 1, seq: 2, type: 'study.upsert', study: { ...study, createdAt: -1 } });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('study.createdAt');
    expect((await post('{not json')).status).toBe(400);
  });

  it('refuses posted events when nothing ingests them', async () => {
    const { url } = await start();
    expect((await fetch(`${url}/events`, { method: 'POST', body: '[]' })).status).toBe(405);
  });

  it('takes a free port when the asked-for one is taken, if allowed', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const taken = (blocker.address() as AddressInfo).port;
    try {
      await expect(start({ port: taken })).rejects.toThrow(/EADDRINUSE/);
      const server = await start({ port: taken, fallbackPort: true });
      expect(server.port).not.toBe(taken);
      expect(server.portChanged).toBe(true);
    } finally {
      blocker.close();
    }
  });
});
