// A fault-injecting HTTP proxy for tests: it forwards requests to a real server (MLflow) and, when
// told to, answers some of them with an error, resets the connection, stalls, or forwards the
// request but drops the response — the failures a client's retries and exactly-once logic must
// survive. Node only.
//
//   const proxy = await startFaultProxy(mlflowUri);
//   proxy.inject({ kind: 'status', status: 500 }, { times: 2, match: '/runs/log-batch' });
//   const client = new MlflowClient({ trackingUri: proxy.uri });
//   ...
//   expect(proxy.requests.filter((r) => r.outcome === 'forwarded')).toHaveLength(1);
//   await proxy.close();
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does to a request that a rule matches. */
export type Fault =
  /** Answer with this status without forwarding; `retryAfter` (seconds) sets `Retry-After`. */
  | { kind: 'status'; status: number; retryAfter?: number; body?: string; headers?: Record<string, string> }
  /** Destroy the connection without forwarding: the client sees a reset / "socket hang up". */
  | { kind: 'reset' }
  /** Never forward and never answer (or, with `afterHeaders`, send 200 headers and then stall the body). */
  | { kind: 'stall'; afterHeaders?: boolean }
  /** Wait `ms`, then forward normally. */
  | { kind: 'delay'; ms: number }
  /** Forward, wait for the server's full response, then destroy the connection: the request took effect but the client never hears so. */
  | { kind: 'drop-response' };

/** Which requests a rule applies to: a substring of the path (query included), a regexp, or a predicate. */
export type Match = string | RegExp | ((request: { method: string; path: string; body: string }) => boolean);

export interface InjectOptions {
  /** How many matching requests the fault applies to. Default 1; `Infinity` until `clear()`. */
  times?: number;
  /** Default: every request. */
  match?: Match;
}

/** One request the proxy saw, in arrival order. */
export interface ProxiedRequest {
  method: string;
  /** Path and query, e.g. `/api/2.0/mlflow/runs/get?run_id=…`. */
  path: string;
  /** The request body as text. */
  body: string;
  /** What happened: `forwarded` (the server got it and the client its answer) or the fault's kind. */
  outcome: 'forwarded' | Fault['kind'];
  /** Status the server answered, when the request was forwarded (also for `drop-response` and `delay`). */
  upstreamStatus?: number;
}

export interface FaultProxy {
  /** Base URL to give the client instead of the target's, e.g. `http://127.0.0.1:43121`. */
  readonly uri: string;
  /** Every request seen so far; cleared by `resetLog()`. */
  readonly requests: ProxiedRequest[];
  /** Queues a fault; rules apply in the order injected, each to its next `times` matching requests. */
  inject(fault: Fault, options?: InjectOptions): void;
  /** Removes every pending fault. */
  clear(): void;
  /** Empties `requests`. */
  resetLog(): void;
  /** Requests the target server received (outcome `forwarded`, `delay` or `drop-response`) matching `match`. */
  delivered(match?: Match): ProxiedRequest[];
  /** Stops listening and destroys open connections, stalled ones included. */
  close(): Promise<void>;
}

interface Rule {
  fault: Fault;
  left: number;
  match?: Match;
}

function matches(match: Match | undefined, request: { method: string; path: string; body: string }): boolean {
  if (match === undefined) return true;
  if (typeof match === 'string') return request.path.includes(match);
  if (match instanceof RegExp) return match.test(request.path);
  return match(request);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Starts a proxy on a free 127.0.0.1 port in front of `targetUri` (e.g. the test MLflow server). */
export async function startFaultProxy(targetUri: string): Promise<FaultProxy> {
  const target = new URL(targetUri);
  const rules: Rule[] = [];
  const requests: ProxiedRequest[] = [];

  /** Forwards to the target; resolves with its status and full body. */
  const forward = (req: IncomingMessage, body: Buffer, path: string) =>
    new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>((resolve, reject) => {
      const upstream = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path,
          headers: { ...req.headers, host: target.host, 'content-length': String(body.length) },
        },
        async (res) => {
          try {
            resolve({ status: res.statusCode ?? 502, headers: res.headers, body: await readBody(res) });
          } catch (error) {
            reject(error);
          }
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const path = req.url ?? '/';
    const seen = { method: req.method ?? 'GET', path, body: body.toString('utf8') };
    const rule = rules.find((r) => r.left > 0 && matches(r.match, seen));
    if (rule) rule.left--;
    const fault = rule?.fault;
    const entry: ProxiedRequest = { ...seen, outcome: fault?.kind ?? 'forwarded' };
    requests.push(entry);

    if (fault?.kind === 'status') {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...fault.headers };
      if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
      const text =
        fault.body ?? JSON.stringify({ error_code: 'INTERNAL_ERROR', message: `injected ${fault.status}` });
      res.writeHead(fault.status, headers).end(text);
      return;
    }
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'stall') {
      if (fault.afterHeaders) res.writeHead(200, { 'content-type': 'application/json' }).write('{');
      return; // hold the connection until the client gives up or the proxy closes
    }
    if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));

    let answer: Awaited<ReturnType<typeof forward>>;
    try {
      answer = await forward(req, body, path);
    } catch {
      res.writeHead(502, { 'content-type': 'text/plain' }).end('fault proxy: upstream unreachable');
      return;
    }
    entry.upstreamStatus = answer.status;
    if (fault?.kind === 'drop-response') {
      req.socket.destroy();
      return;
    }
    const headers = { ...answer.headers };
    delete headers['transfer-encoding'];
    headers['content-length'] = String(answer.body.length);
    res.writeHead(answer.status, headers).end(answer.body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => req.socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    uri: `http://127.0.0.1:${port}`,
    requests,
    inject(fault, options = {}) {
      rules.push({ fault, left: options.times ?? 1, match: options.match });
    },
    clear() {
      rules.length = 0;
    },
    resetLog() {
      requests.length = 0;
    },
    delivered(match) {
      const reached = new Set<ProxiedRequest['outcome']>(['forwarded', 'delay', 'drop-response']);
      return requests.filter(
        (r) => reached.has(r.outcome) && r.upstreamStatus !== undefined && matches(match, r),
      );
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
