/**
 * The dashboard's HTTP server (`node:http`, no framework): the page, the browser bundle, the event
 * stream, an optional ingest endpoint, and a health check. What feeds the stream is the caller's
 * business (the demo's sync engine, or an MLflow poller), so both commands share this one server.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { redactSecrets, splitCredentials } from '../mlflow/index.js';
import { type AccessOptions, AccessPolicy, isLoopbackHost, READ_COOKIE, securityHeaders } from './access.js';
import {
  type BodyLimits,
  bodyLimits,
  createIngestHandler,
  type IngestErrorBody,
  ingestError,
  type PostedEvent,
  sendIngestAnswer,
  UNAUTHORIZED_POST,
} from './ingest-handler.js';
import { type DashboardPageOptions, dashboardPage } from './page.js';

/** A Node request handler, e.g. what `createEventStream(producer)` returns. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

export interface DashboardServerOptions extends AccessOptions, BodyLimits {
  /** The page: its title and the `<trial-dashboard>` attributes. */
  page: DashboardPageOptions;
  /** The browser bundle's JavaScript, served at `/trialkit.js`. */
  bundle: string;
  /**
   * The chunks the bundle imports, by file name, served beside it (`/<name>`). Their names must
   * carry a hash of their content: browsers are told to keep them.
   */
  bundleChunks?: Readonly<Record<string, string>>;
  /** Chunks the page asks for beside the bundle, as it will import them at once. */
  bundlePreload?: readonly string[];
  /** Serves `GET /events` (the SSE stream). */
  events: NodeHandler;
  /** Serves `GET` and `POST /series` (series windows, e.g. `createSeriesWindowHandler(producer)`); without it, 404. */
  series?: NodeHandler;
  /**
   * Serves `POST /presence`, the tabs' heartbeats (e.g. `createPresenceHandler(events.presence)`);
   * without it, 404, and the dashboard shows presence as unavailable. Needs read access; a
   * cross-site post is refused like one to `/events`.
   */
  presence?: NodeHandler;
  /**
   * Receives the events a producer posts to `POST /events` (`Content-Type: application/json`, an
   * event or an array of them), all validated before it is called; it should apply them all or
   * none. Without it, posting is refused with 405.
   */
  ingest?: (events: PostedEvent[]) => Promise<void>;
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

/** Refuses to take posted events on a non-loopback interface without a token. */
export function requireTokenOffLoopback(host: string, token: string | undefined): void {
  if (token || isLoopbackHost(host)) return;
  throw new Error(
    `listening on ${host} accepts posted events from the network: set a token (--token or TRIALKIT_TOKEN)`,
  );
}

/**
 * Starts the server and resolves once it listens. Every route checks `Host`; reads and writes
 * check the tokens of {@link AccessOptions}; every response carries security headers. Refuses to
 * start on a non-loopback interface with `ingest` but no `token`.
 */
export async function startDashboardServer(options: DashboardServerOptions): Promise<DashboardServer> {
  const host = options.host ?? '127.0.0.1';
  if (options.ingest) requireTokenOffLoopback(host, options.token);
  const limits = bodyLimits(options);
  const access = new AccessPolicy(options, host);
  // The write token is the access policy's to check (it opens reads too): the handler checks no token.
  const post = options.ingest && createIngestHandler({ ...limits, ingest: options.ingest });
  const frameAncestors = options.frameAncestors ?? ["'none'"];
  const pageHeaders = securityHeaders(frameAncestors, true);
  const otherHeaders = securityHeaders(frameAncestors, false);
  const html = dashboardPage({
    preload: options.bundlePreload?.map((name) => `/${name}`),
    ...options.page,
    attributes: withPostUrl(withSafeMlflowUrl(options.page.attributes), options),
  });
  // The bundle is most of what a page load costs (lit, zod): compressed once. The entry is
  // revalidated by ETag; its chunks, named by their hash, are kept.
  const scripts = new Map<string, Script>([['/trialkit.js', script(options.bundle, 'no-cache')]]);
  for (const [name, code] of Object.entries(options.bundleChunks ?? {}))
    scripts.set(`/${name}`, script(code, 'public, max-age=31536000, immutable'));

  function sendScript(req: IncomingMessage, res: ServerResponse, { code, gzipped, headers }: Script): void {
    if (req.headers['if-none-match'] === headers.etag) return void res.writeHead(304, headers).end();
    const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
    res.writeHead(200, gzip ? { ...headers, 'content-encoding': 'gzip', vary: 'accept-encoding' } : headers);
    res.end(req.method === 'HEAD' ? undefined : gzip ? gzipped : code);
  }
  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        send(res, 500, 'text/plain', `internal error: ${redactSecrets((err as Error).message)}\n`);
      } else res.destroy();
    });
  });
  // Node's defaults let a request take 300 s; a dashboard's requests are small (streams excepted,
  // which have their headers at once and are not subject to these).
  server.headersTimeout = 10_000;
  server.requestTimeout = limits.bodyTimeoutMs + 5_000;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    for (const [name, value] of Object.entries(path === '/' ? pageHeaders : otherHeaders)) {
      res.setHeader(name, value);
    }
    if (!access.hostAllowed(req)) {
      return sendError(
        res,
        403,
        'forbidden_host',
        'this Host is not allowed (see allowedHosts, --allowed-hosts)',
      );
    }
    const js = scripts.get(path);
    if (js && isRead(req)) return sendScript(req, res, js);
    if (path === '/events' && req.method === 'POST') return ingest(req, res);
    const token = url.searchParams.get('token');
    if (path === '/' && isRead(req) && token !== null && access.isReadToken(token)) {
      // Keep the token out of the address bar, history and screenshots.
      res.writeHead(303, {
        location: '/',
        'set-cookie': `${READ_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
      });
      return void res.end();
    }
    if (!access.mayRead(req)) {
      res.setHeader('www-authenticate', 'Bearer');
      return sendError(res, 401, 'unauthorized', 'reading needs the read token: open /?token=<read token>');
    }
    if (path === '/' && isRead(req)) return send(res, 200, 'text/html; charset=utf-8', html);
    if (path === '/healthz' && isRead(req)) {
      return send(res, 200, 'application/json', JSON.stringify({ ok: true, ...options.health?.() }));
    }
    if (path === '/events') return void (await options.events(req, res));
    if (path === '/series' && options.series) return void (await options.series(req, res));
    if (path === '/presence' && options.presence) {
      if (!access.originAllowed(req)) {
        return sendError(
          res,
          403,
          'forbidden_origin',
          `presence may not be posted from ${req.headers.origin}`,
        );
      }
      return void (await options.presence(req, res));
    }
    send(res, 404, 'text/plain', 'not found\n');
  }

  /** `POST /events`: the origin and write token checked here, the rest by the ingest handler. */
  async function ingest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!post) {
      const refused = ingestError(405, 'method_not_allowed', 'this server does not accept events');
      return sendIngestAnswer(res, { ...refused, headers: { allow: 'GET, HEAD' } });
    }
    if (!access.originAllowed(req))
      return sendError(res, 403, 'forbidden_origin', `events may not be posted from ${req.headers.origin}`);
    if (!access.mayWrite(req)) return sendIngestAnswer(res, UNAUTHORIZED_POST);
    await post(req, res);
  }

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

/** A script the server sends: its text, gzipped once, and its response headers. */
interface Script {
  code: string;
  gzipped: Buffer;
  headers: { 'content-type': string; 'cache-control': string; etag: string };
}

function script(code: string, cacheControl: string): Script {
  const etag = `"${createHash('sha256').update(code).digest('base64url').slice(0, 16)}"`;
  return {
    code,
    gzipped: gzipSync(code),
    headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': cacheControl, etag },
  };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-cache' });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function sendError(
  res: ServerResponse,
  status: number,
  code: IngestErrorBody['error']['code'],
  message: string,
): void {
  sendIngestAnswer(res, ingestError(status, code, message));
}

/**
 * Tabs may write a team's edits to `POST /events` when the server takes posts without a token (a
 * page has no way to hold the write token); the page then says where, as `post-url`.
 */
function withPostUrl(
  attributes: Record<string, string | undefined>,
  options: DashboardServerOptions,
): Record<string, string | undefined> {
  if (!options.ingest || options.token || 'post-url' in attributes) return attributes;
  return { ...attributes, 'post-url': '/events' };
}

/** The page's `mlflow-ui-url`: only an http(s) base, and never with credentials in it. */
function withSafeMlflowUrl(
  attributes: Record<string, string | undefined>,
): Record<string, string | undefined> {
  const value = attributes['mlflow-ui-url'];
  if (value === undefined) return attributes;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`mlflow-ui-url must be an http(s) URL, not ${JSON.stringify(redactSecrets(value))}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`mlflow-ui-url must be an http(s) URL, not a ${url.protocol} one`);
  }
  return { ...attributes, 'mlflow-ui-url': redactSecrets(splitCredentials(value).url) };
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
