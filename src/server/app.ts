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
import { parseEvent, type TeamEvent, type TrialEvent } from '../protocol/index.js';
import { type AccessOptions, AccessPolicy, isLoopbackHost, READ_COOKIE, securityHeaders } from './access.js';
import { type DashboardPageOptions, dashboardPage } from './page.js';

/** A Node request handler, e.g. what `createEventStream(producer)` returns. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

/**
 * The events a producer (or a dashboard tab) may post: records and a team's edits. Snapshots,
 * removals and sync states are the server's own.
 */
export type PostedEvent = Extract<
  TrialEvent,
  { type: 'study.upsert' | 'trial.upsert' | 'metrics.append' | TeamEvent['type'] }
>;

const POSTABLE = new Set<string>([
  'study.upsert',
  'trial.upsert',
  'metrics.append',
  'trial.patch',
  'comment.upsert',
  'comment.remove',
]);

/**
 * Thrown by an `ingest` callback for input it refuses (answered 400 with `code: 'invalid_event'`);
 * any other error is answered 422 with `code: 'rejected'`.
 */
export class IngestInputError extends Error {
  override name = 'IngestInputError';
  constructor(
    message: string,
    /** The index of the offending event in the posted batch, if one is to blame. */
    readonly index?: number,
  ) {
    super(message);
  }
}

/** The JSON body of every error `POST /events` answers: what was wrong, in a stable code and in words. */
export interface IngestErrorBody {
  error: {
    code:
      | 'forbidden_host'
      | 'forbidden_origin'
      | 'unauthorized'
      | 'unsupported_media_type'
      | 'method_not_allowed'
      | 'body_too_large'
      | 'body_timeout'
      | 'invalid_json'
      | 'invalid_event'
      | 'rejected';
    message: string;
    /** The offending event's index in the batch, when one is to blame. */
    index?: number;
  };
}

export interface DashboardServerOptions extends AccessOptions {
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
  /** Posted bodies larger than this are refused with 413 (bytes; default 8 MiB). */
  maxBodyBytes?: number;
  /** A posted body not received in full within this time is refused with 408 (ms; default 10,000). */
  bodyTimeoutMs?: number;
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

/** One request is a batch of events, not a bulk upload; a slow body must not hold memory for long. */
const bodyDefaults = { maxBodyBytes: 8 * 1024 * 1024, bodyTimeoutMs: 10_000 };

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
  const limits = { ...bodyDefaults, ...definedOnly(options) };
  const access = new AccessPolicy(options, host);
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
    if (path === '/events' && req.method === 'POST') return ingest(req, res);
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

  async function ingest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!options.ingest) {
      res.setHeader('allow', 'GET, HEAD');
      return sendError(res, 405, 'method_not_allowed', 'this server does not accept events');
    }
    if (!access.originAllowed(req)) {
      return sendError(res, 403, 'forbidden_origin', `events may not be posted from ${req.headers.origin}`);
    }
    if (!access.mayWrite(req)) {
      res.setHeader('www-authenticate', 'Bearer');
      return sendError(res, 401, 'unauthorized', 'posting events needs Authorization: Bearer <token>');
    }
    // A cross-site form or `fetch` without preflight can only send text/plain and form types.
    if (!/^application\/json\s*(?:;|$)/i.test(req.headers['content-type'] ?? '')) {
      return sendError(res, 415, 'unsupported_media_type', 'Content-Type must be application/json');
    }
    const body = await readBody(req, limits);
    if ('failure' in body) {
      // The rest of the body is not read: the connection ends with the answer.
      res.setHeader('connection', 'close');
      if (body.failure === 'too large') {
        return sendError(res, 413, 'body_too_large', `body over ${limits.maxBodyBytes} bytes`);
      }
      return sendError(res, 408, 'body_timeout', `body not received within ${limits.bodyTimeoutMs} ms`);
    }
    let json: unknown;
    try {
      json = JSON.parse(body.text);
    } catch (err) {
      return sendError(res, 400, 'invalid_json', `body is not JSON: ${(err as Error).message}`);
    }
    const events: PostedEvent[] = [];
    for (const [index, input] of (Array.isArray(json) ? json : [json]).entries()) {
      const parsed = parseEvent(input);
      if (!parsed.ok)
        return sendError(res, 400, 'invalid_event', `event ${index}: ${parsed.error.message}`, index);
      if (!POSTABLE.has(parsed.event.type)) {
        const why = `event ${index}: ${parsed.event.type} events cannot be posted; send ${[...POSTABLE].join(', ')}`;
        return sendError(res, 400, 'invalid_event', why, index);
      }
      events.push(parsed.event as PostedEvent);
    }
    try {
      await options.ingest(events);
    } catch (err) {
      if (err instanceof IngestInputError)
        return sendError(res, 400, 'invalid_event', err.message, err.index);
      return sendError(res, 422, 'rejected', (err as Error).message);
    }
    send(res, 202, 'application/json', JSON.stringify({ accepted: events.length }));
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
  index?: number,
): void {
  const body: IngestErrorBody = { error: { code, message: redactSecrets(message), index } };
  send(res, status, 'application/json', JSON.stringify(body));
}

type BodyResult = { text: string } | { failure: 'too large' | 'timed out' };

/** The body as text, or why not: over `maxBodyBytes`, or not in full within `bodyTimeoutMs`. */
function readBody(req: IncomingMessage, limits: typeof bodyDefaults): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: BodyResult) => {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onError);
      // Stop reading what is left; the answer closes the connection.
      if ('failure' in result) req.pause();
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBodyBytes) finish({ failure: 'too large' });
      else chunks.push(chunk);
    };
    const onEnd = () => finish({ text: Buffer.concat(chunks).toString('utf8') });
    const onError = (err: Error) => {
      clearTimeout(timer);
      reject(err);
    };
    const timer = setTimeout(() => finish({ failure: 'timed out' }), limits.bodyTimeoutMs);
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

/** The options that are set, so that `undefined` does not override a default. */
function definedOnly(options: DashboardServerOptions): Partial<typeof bodyDefaults> {
  const { maxBodyBytes, bodyTimeoutMs } = options;
  return {
    ...(maxBodyBytes !== undefined && { maxBodyBytes }),
    ...(bodyTimeoutMs !== undefined && { bodyTimeoutMs }),
  };
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
