/**
 * The dashboard's HTTP server (`node:http`, no framework): the page, the browser bundle, the event
 * stream, an optional ingest endpoint, and a health check. What feeds the stream is the caller's
 * business (the demo's sync engine, or an MLflow poller), so both commands share this one server.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { parseEvent, type TrialEvent } from '../protocol/index.js';
import { type DashboardPageOptions, dashboardPage } from './page.js';

/** A Node request handler, e.g. what `createEventStream(producer)` returns. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

export interface DashboardServerOptions {
  /** The page: its title and the `<trial-dashboard>` attributes. */
  page: DashboardPageOptions;
  /** The browser bundle's JavaScript, served at `/trialkit.js`. */
  bundle: string;
  /** Serves `GET /events` (the SSE stream). */
  events: NodeHandler;
  /** Serves `GET` and `POST /series` (series windows, e.g. `createSeriesWindowHandler(producer)`); without it, 404. */
  series?: NodeHandler;
  /**
   * Receives the events a producer posts to `POST /events` (a JSON event or an array of them), each
   * already validated; without it, posting is refused with 405.
   */
  ingest?: (events: TrialEvent[]) => Promise<void>;
  /** Extra fields for `GET /healthz`. */
  health?: () => Record<string, unknown>;
  /** Default 127.0.0.1: a dashboard is not for the whole network unless asked. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** If `port` is taken, listen on a free one instead of failing. Default false. */
  fallbackPort?: boolean;
}

export interface DashboardServer {
  readonly server: Server;
  readonly url: string;
  readonly port: number;
  /** True if the asked-for port was taken and another was chosen. */
  readonly portChanged: boolean;
  /** Stops accepting, ends open streams, and resolves once the server is closed. */
  close(): Promise<void>;
}

/** Posted bodies larger than this are refused: one request is a batch of events, not a bulk upload. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** Starts the server and resolves once it listens. */
export async function startDashboardServer(options: DashboardServerOptions): Promise<DashboardServer> {
  const html = dashboardPage(options.page);
  // The bundle is most of what a page load costs (lit, d3, zod): compressed once, revalidated by ETag.
  const bundleGzip = gzipSync(options.bundle);
  const bundleTag = `"${createHash('sha256').update(options.bundle).digest('base64url').slice(0, 16)}"`;

  function sendBundle(req: IncomingMessage, res: ServerResponse): void {
    const headers = {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'no-cache',
      etag: bundleTag,
    };
    if (req.headers['if-none-match'] === bundleTag) return void res.writeHead(304, headers).end();
    const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
    res.writeHead(200, gzip ? { ...headers, 'content-encoding': 'gzip', vary: 'accept-encoding' } : headers);
    res.end(req.method === 'HEAD' ? undefined : gzip ? bundleGzip : options.bundle);
  }
  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain', `internal error: ${(err as Error).message}\n`);
      else res.destroy();
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/' && isRead(req)) return send(res, 200, 'text/html; charset=utf-8', html);
    if (path === '/trialkit.js' && isRead(req)) return sendBundle(req, res);
    if (path === '/healthz' && isRead(req)) {
      return send(res, 200, 'application/json', JSON.stringify({ ok: true, ...options.health?.() }));
    }
    if (path === '/events' && req.method === 'POST') return ingest(req, res);
    if (path === '/events') return void (await options.events(req, res));
    if (path === '/series' && options.series) return void (await options.series(req, res));
    send(res, 404, 'text/plain', 'not found\n');
  }

  async function ingest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!options.ingest) return send(res, 405, 'text/plain', 'this server does not accept events\n');
    const body = await readBody(req);
    if (body === undefined) return send(res, 413, 'text/plain', `body over ${MAX_BODY_BYTES} bytes\n`);
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch (err) {
      return send(res, 400, 'text/plain', `body is not JSON: ${(err as Error).message}\n`);
    }
    const events: TrialEvent[] = [];
    for (const [index, input] of (Array.isArray(json) ? json : [json]).entries()) {
      const parsed = parseEvent(input);
      if (!parsed.ok) return send(res, 400, 'text/plain', `event ${index}: ${parsed.error.message}\n`);
      events.push(parsed.event);
    }
    try {
      await options.ingest(events);
    } catch (err) {
      return send(res, 422, 'text/plain', `${(err as Error).message}\n`);
    }
    send(res, 202, 'application/json', JSON.stringify({ accepted: events.length }));
  }

  const host = options.host ?? '127.0.0.1';
  const wanted = options.port ?? 0;
  let port: number;
  try {
    port = await listen(server, wanted, host);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || !options.fallbackPort) throw err;
    port = await listen(server, 0, host);
  }
  const shownHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    server,
    url: `http://${shownHost}:${port}`,
    port,
    portChanged: wanted !== 0 && port !== wanted,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Event streams never end by themselves; without this, close() would wait for every tab.
        server.closeAllConnections();
      }),
  };
}

function isRead(req: IncomingMessage): boolean {
  return req.method === 'GET' || req.method === 'HEAD';
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-cache' });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/** The body as text, or undefined if it is larger than {@link MAX_BODY_BYTES}. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
