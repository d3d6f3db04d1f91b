// Who may read and write a dashboard server, and the headers every answer carries: against the
// real server, in-process, over HTTP.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { TrialEvent } from '../../src/protocol/index.js';
import {
  type DashboardServer,
  type DashboardServerOptions,
  startDashboardServer,
} from '../../src/server/index.js';

const open: DashboardServer[] = [];
afterEach(async () => {
  for (const server of open.splice(0)) await server.close();
});

async function start(extra: Partial<DashboardServerOptions> = {}): Promise<DashboardServer> {
  const server = await startDashboardServer({
    page: { title: 'Access', attributes: { src: '/events' } },
    bundle: 'export {};',
    events: (_req, res) => res.writeHead(200, { 'content-type': 'text/event-stream' }).end(': stub\n\n'),
    ingest: async () => {},
    ...extra,
  });
  open.push(server);
  return server;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request, so that `Host`, `Origin` and a slow body can be whatever a test needs. */
function send(
  url: string,
  {
    method = 'GET',
    path = '/',
    headers = {},
    body,
  }: {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
  } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const study = { id: 's', name: 's', status: 'running', createdAt: 1 };
const event = JSON.stringify({ v: 1, seq: 1, type: 'study.upsert', study });
const json = { 'content-type': 'application/json' };

describe('writing: POST /events', () => {
  it('refuses a body that is not application/json, which a cross-site page could send unasked', async () => {
    const received: TrialEvent[] = [];
    const { url } = await start({ ingest: async (events) => void received.push(...events) });
    const plain = await send(url, {
      method: 'POST',
      path: '/events',
      headers: { 'content-type': 'text/plain' },
      body: event,
    });
    expect(plain.status).toBe(415);
    expect(JSON.parse(plain.body).error.code).toBe('unsupported_media_type');
    expect(received).toEqual([]);
    expect((await send(url, { method: 'POST', path: '/events', headers: json, body: event })).status).toBe(
      202,
    );
    expect(received).toHaveLength(1);
  });

  it('refuses a foreign Origin and accepts its own or an allowed one', async () => {
    const { url } = await start({ allowedOrigins: ['https://app.example.com'] });
    const post = (origin: string) =>
      send(url, { method: 'POST', path: '/events', headers: { ...json, origin }, body: event });
    const foreign = await post('https://evil.example');
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.body).error.code).toBe('forbidden_origin');
    expect((await post(url)).status).toBe(202);
    expect((await post('https://app.example.com')).status).toBe(202);
  });

  it('needs the bearer token when one is set', async () => {
    const { url } = await start({ token: 'w-secret' });
    const post = (headers: Record<string, string>) =>
      send(url, { method: 'POST', path: '/events', headers: { ...json, ...headers }, body: event });
    const anonymous = await post({});
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer');
    expect((await post({ authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await post({ authorization: 'Bearer w-secret' })).status).toBe(202);
    // Reading stays open: no read token was set.
    expect((await send(url)).status).toBe(200);
  });

  it('will not listen beyond loopback with an ingest and no token', async () => {
    await expect(start({ host: '0.0.0.0' })).rejects.toThrow(/token/);
  });

  it('answers a body that stalls past the deadline with 408', async () => {
    const { url } = await start({ bodyTimeoutMs: 200 });
    const answer = await new Promise<Answer>((resolve, reject) => {
      const req = request(
        `${url}/events`,
        { method: 'POST', headers: { ...json, 'content-length': '1000' } },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString();
          });
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
        },
      );
      req.on('error', reject);
      req.write('[');
    });
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body).error.code).toBe('body_timeout');
  });

  it('answers an oversized body with 413', async () => {
    const { url } = await start({ maxBodyBytes: 100 });
    const answer = await send(url, {
      method: 'POST',
      path: '/events',
      headers: json,
      body: 'x'.repeat(1000),
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error.code).toBe('body_too_large');
  });

  it('refuses server-made event types before applying any of the batch', async () => {
    const received: TrialEvent[] = [];
    const { url } = await start({ ingest: async (events) => void received.push(...events) });
    const body = JSON.stringify([JSON.parse(event), { v: 1, seq: 2, type: 'study.remove', studyId: 's' }]);
    const answer = await send(url, { method: 'POST', path: '/events', headers: json, body });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error).toMatchObject({ code: 'invalid_event', index: 1 });
    expect(received).toEqual([]);
  });
});

describe('the Host allow-list', () => {
  it('answers loopback names and refuses others on every route, as against DNS rebinding', async () => {
    const { url, port } = await start();
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      expect((await send(url, { path: '/events', headers: { host } })).status).toBe(200);
    }
    for (const path of ['/', '/events', '/healthz', '/trialkit.js']) {
      const answer = await send(url, { path, headers: { host: `attacker.example:${port}` } });
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.body).error.code).toBe('forbidden_host');
    }
  });

  it('answers the names it is given', async () => {
    const { url, port } = await start({ allowedHosts: ['dash.example.com'] });
    expect((await send(url, { headers: { host: `dash.example.com:${port}` } })).status).toBe(200);
    expect((await send(url, { headers: { host: 'other.example.com' } })).status).toBe(403);
  });
});

describe('reading with a read token', () => {
  it('needs the token on every read route, as a bearer or a cookie set by /?token=', async () => {
    const { url } = await start({ readToken: 'r-secret' });
    for (const path of ['/', '/events', '/healthz']) expect((await send(url, { path })).status).toBe(401);
    expect((await send(url, { path: '/trialkit.js' })).status).toBe(200);
    expect((await send(url, { path: '/events', headers: { authorization: 'Bearer r-secret' } })).status).toBe(
      200,
    );
    expect((await send(url, { path: '/?token=wrong' })).status).toBe(401);

    const login = await send(url, { path: '/?token=r-secret' });
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/');
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await send(url, { headers: { cookie: cookie.split(';')[0] } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<trial-dashboard');
  });
});

describe('security headers', () => {
  it('are on every response, with a CSP for the page and frame-ancestors as configured', async () => {
    const { url } = await start();
    for (const path of ['/', '/events', '/healthz', '/trialkit.js', '/nope']) {
      const { headers } = await send(url, { path });
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['referrer-policy']).toBe('no-referrer');
      expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    }
    const page = await send(url);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    // The importance view's workers start from blob: URLs its own script makes.
    expect(page.headers['content-security-policy']).toContain("worker-src 'self' blob:");
    expect(page.headers['x-frame-options']).toBe('DENY');

    const embeddable = await start({ frameAncestors: ["'self'", 'https://notebooks.example.com'] });
    const framed = await send(embeddable.url);
    expect(framed.headers['content-security-policy']).toContain(
      "frame-ancestors 'self' https://notebooks.example.com",
    );
    expect(framed.headers['x-frame-options']).toBeUndefined();
  });
});

describe('secrets in the page', () => {
  it('strips credentials from mlflow-ui-url and refuses a non-http one', async () => {
    const { url } = await start({
      page: {
        title: 'x',
        attributes: { src: '/events', 'mlflow-ui-url': 'http://u:hunter2@mlflow.test:5000' },
      },
    });
    const html = (await send(url)).body;
    expect(html).toContain('mlflow-ui-url="http://mlflow.test:5000"');
    expect(html).not.toContain('hunter2');
    await expect(
      start({ page: { title: 'x', attributes: { 'mlflow-ui-url': 'javascript:alert(1)' } } }),
    ).rejects.toThrow(/http\(s\)/);
  });
});
