/**
 * Sends one logical request: builds the URL, applies timeouts and the retry policy, maps failures
 * to typed errors, validates the body and logs retries and slow calls. Every endpoint of the
 * client goes through `get`, `post`, `patch`, `delete`, or (artifacts) `exchange`.
 */
import type * as z from 'zod/mini';
import {
  apiError,
  MlflowNetworkError,
  MlflowResponseError,
  MlflowTimeoutError,
  type RequestDescription,
} from './errors.js';
import type { LevelledLogger } from './logger.js';
import {
  type Failure,
  isRetryable,
  parseRetryAfter,
  type RetryOptions,
  resolveRetry,
  retryDelay,
  sleep,
} from './retry.js';

/** Options every client method accepts as its last argument. */
export interface RequestOptions {
  /** Aborts the call, including pending retries; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Per-attempt timeout; overrides the client's. */
  timeoutMs?: number;
  /** Overrides the client's retry policy for this call; `false` sends once. */
  retry?: RetryOptions | false;
  /**
   * Whether sending the request twice has the same effect as once, so any transient failure may
   * be retried. Every call is, except `createRun` and `createExperiment`, which are retried only on
   * 429 and 503 (the server did nothing). Set it to overrule that for one call.
   */
  idempotent?: boolean;
}

/** The options of a call that is not idempotent unless the caller says so. */
export function notIdempotent<O extends RequestOptions>(options: O | undefined): O {
  return { ...options, idempotent: options?.idempotent ?? false } as O;
}

/** A request, before it is sent. */
export interface RequestSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
  /** Path below the tracking URI, e.g. `/api/2.0/mlflow/runs/get`. */
  path: string;
  /** Query parameters; arrays repeat the key; undefined values are left out. */
  query?: Record<string, string | number | readonly string[] | undefined>;
  /** A JSON-ready object, or an already serialized JSON body. */
  body?: unknown;
  /** Instead of `body`: raw bytes, made by this function once per attempt; redirects are not followed. */
  raw?: () => BodyInit;
  /** Whether sending it twice has the same effect as once (see README, "Retries"). */
  idempotent: boolean;
}

export interface TransportOptions {
  baseUrl: string;
  headers: Record<string, string>;
  fetch: typeof fetch;
  timeoutMs: number;
  retry?: RetryOptions | false;
  logger: LevelledLogger;
  /** A call (all its attempts) that takes longer is logged at debug level. */
  slowCallMs: number;
}

const TIMED_OUT = Symbol('timed out');
/** Where the tracking REST API lives below the tracking URI. */
const API = '/api/2.0/mlflow';
/** Where the tracking server's artifact proxy lives below the tracking URI. */
export const ARTIFACTS_API = '/api/2.0/mlflow-artifacts/artifacts';

export class Transport {
  constructor(private readonly options: TransportOptions) {}

  /** GETs an endpoint of the tracking API (e.g. `runs/get`); idempotent unless `options.idempotent` is false. */
  get<S extends z.ZodMiniType>(
    endpoint: string,
    query: RequestSpec['query'],
    schema: S,
    options?: RequestOptions,
  ): Promise<z.output<S>> {
    const idempotent = options?.idempotent ?? true;
    return this.send({ method: 'GET', path: `${API}/${endpoint}`, query, idempotent }, schema, options);
  }

  /** POSTs to an endpoint of the tracking API; idempotent unless `options.idempotent` is false. */
  post<S extends z.ZodMiniType>(
    endpoint: string,
    body: unknown,
    schema: S,
    options?: RequestOptions,
  ): Promise<z.output<S>> {
    return this.withBody('POST', endpoint, body, schema, options);
  }

  /** PATCHes an endpoint of the tracking API (the registry's updates, logged models). */
  patch<S extends z.ZodMiniType>(
    endpoint: string,
    body: unknown,
    schema: S,
    options?: RequestOptions,
  ): Promise<z.output<S>> {
    return this.withBody('PATCH', endpoint, body, schema, options);
  }

  /** DELETEs through an endpoint of the tracking API; MLflow reads a DELETE's arguments from its JSON body. */
  delete<S extends z.ZodMiniType>(
    endpoint: string,
    body: unknown,
    schema: S,
    options?: RequestOptions,
  ): Promise<z.output<S>> {
    return this.withBody('DELETE', endpoint, body, schema, options);
  }

  private withBody<S extends z.ZodMiniType>(
    method: 'POST' | 'PATCH' | 'DELETE',
    endpoint: string,
    body: unknown,
    schema: S,
    options?: RequestOptions,
  ): Promise<z.output<S>> {
    const idempotent = options?.idempotent ?? true;
    return this.send({ method, path: `${API}/${endpoint}`, body, idempotent }, schema, options);
  }

  /** Sends `spec`, retrying as the policy allows, and returns the body parsed by `schema`. */
  async send<S extends z.ZodMiniType>(
    spec: RequestSpec,
    schema: S,
    options: RequestOptions = {},
  ): Promise<z.output<S>> {
    const text = await this.exchange(spec, (response) => response.text(), options);
    return parse({ method: spec.method, path: spec.path }, text, schema);
  }

  /**
   * Sends `spec`, retrying as the policy allows, and returns what `read` makes of the successful
   * response. `read` runs within the attempt's timeout; a response returned unread (a download)
   * is no longer timed but still follows `options.signal`.
   */
  async exchange<T>(
    spec: RequestSpec,
    read: (response: Response) => Promise<T>,
    options: RequestOptions = {},
  ): Promise<T> {
    const policy = resolveRetry(this.options.retry, options.retry);
    const description: RequestDescription = { method: spec.method, path: spec.path };
    const url = this.url(spec);
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      options.signal?.throwIfAborted();
      const outcome = await this.attempt(description, url, spec, read, options);
      if (outcome.ok) {
        this.logIfSlow(description, started, attempt);
        return outcome.value;
      }
      const { error, failure } = outcome;
      if (attempt >= policy.maxAttempts || !isRetryable(failure, spec.idempotent, policy)) throw error;
      const delay = retryDelay(attempt, failure, policy);
      if (Date.now() - started + delay > policy.maxElapsedMs) throw error;
      this.options.logger.log(
        'debug',
        `mlflow: ${spec.method} ${spec.path} attempt ${attempt} of ${policy.maxAttempts} failed (${error.message}); retrying in ${Math.round(delay)} ms`,
      );
      await sleep(delay, options.signal);
    }
  }

  private logIfSlow(request: RequestDescription, started: number, attempts: number): void {
    const elapsed = Date.now() - started;
    if (elapsed < this.options.slowCallMs) return;
    const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
    this.options.logger.log(
      'debug',
      `mlflow: ${request.method} ${request.path} took ${elapsed} ms (${tries})`,
    );
  }

  private url(spec: RequestSpec): string {
    const url = `${this.options.baseUrl}${spec.path}`;
    if (!spec.query) return url;
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(spec.query)) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item));
    }
    const query = params.toString();
    return query ? `${url}?${query}` : url;
  }

  /** One attempt. Resolves with what `read` made of the response, or with the error and what kind of failure it was. */
  private async attempt<T>(
    request: RequestDescription,
    url: string,
    spec: RequestSpec,
    read: (response: Response) => Promise<T>,
    options: RequestOptions,
  ): Promise<{ ok: true; value: T } | { ok: false; error: Error; failure: Failure }> {
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(TIMED_OUT), timeoutMs);
    // Combined rather than forwarded, so a body still streaming after this returns follows the caller's signal.
    const signal = options.signal ? AbortSignal.any([options.signal, timeout.signal]) : timeout.signal;
    try {
      const { body, contentType } = requestBody(spec);
      const headers =
        contentType === undefined
          ? this.options.headers
          : { ...this.options.headers, 'content-type': contentType };
      const init: RequestInit & { duplex?: 'half' } = { method: request.method, headers, body, signal };
      // Streamed request bodies must say so (fetch's `duplex`); other bodies ignore it.
      if (body instanceof ReadableStream) init.duplex = 'half';
      // A fetch that may follow a redirect first clones the request, teeing its body, and the unread
      // branch keeps every chunk sent: an upload would sit in memory whole. Raw bodies (uploads) do
      // not follow redirects, so they stream with bounded memory.
      if (spec.raw) init.redirect = 'error';
      const response = await this.options.fetch(url, init);
      if (response.ok) return { ok: true, value: await read(response) };
      const text = await response.text();
      const retryAfterMs = parseRetryAfter(response.headers);
      return {
        ok: false,
        error: errorFromBody(request, response.status, text),
        failure: { kind: 'status', status: response.status, retryAfterMs },
      };
    } catch (cause) {
      if (options.signal?.aborted) throw options.signal.reason;
      const timedOut = timeout.signal.aborted && timeout.signal.reason === TIMED_OUT;
      const error = timedOut
        ? new MlflowTimeoutError(request, timeoutMs)
        : new MlflowNetworkError(request, cause);
      return { ok: false, error, failure: { kind: 'network' } };
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The body of one attempt: JSON, or raw bytes made afresh for each attempt (a stream is read once). */
function requestBody(spec: RequestSpec): { body?: BodyInit; contentType?: string } {
  if (spec.raw) return { body: spec.raw(), contentType: 'application/octet-stream' };
  const body = serialize(spec.body);
  return body === undefined ? {} : { body, contentType: 'application/json' };
}

function serialize(body: unknown): string | undefined {
  if (body === undefined || typeof body === 'string') return body;
  return JSON.stringify(body);
}

/** Error codes for error responses without MLflow's JSON body (proxies, the security middleware). */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'ENDPOINT_NOT_FOUND',
  408: 'REQUEST_TIMEOUT',
  429: 'REQUEST_LIMIT_EXCEEDED',
  500: 'INTERNAL_ERROR',
  502: 'BAD_GATEWAY',
  503: 'TEMPORARILY_UNAVAILABLE',
  504: 'GATEWAY_TIMEOUT',
};

/** An HTML page as its title, e.g. `an HTML page ("404 Not Found")`: its markup says nothing more. */
function pageTitle(html: string): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(html)?.[1]?.trim();
  return title ? `an HTML page (${JSON.stringify(title)})` : 'an HTML page';
}

function errorFromBody(request: RequestDescription, status: number, text: string): Error {
  let code = CODE_BY_STATUS[status] ?? `HTTP_${status}`;
  let message = (/^\s*</.test(text) ? pageTitle(text) : text.trim().slice(0, 1000)) || `HTTP ${status}`;
  try {
    // MLflow's own errors, or FastAPI's (`{"detail": …}`) from the artifact and newer endpoints.
    const json = JSON.parse(text) as { error_code?: unknown; message?: unknown; detail?: unknown };
    if (typeof json.error_code === 'string') code = json.error_code;
    if (typeof json.message === 'string') message = json.message;
    else if (typeof json.detail === 'string') message = json.detail;
  } catch {
    // Not JSON: keep the text, e.g. the security middleware's plain-text refusals.
  }
  return apiError(request, status, code, message);
}

function parse<S extends z.ZodMiniType>(request: RequestDescription, text: string, schema: S): z.output<S> {
  let json: unknown;
  try {
    json = text === '' ? {} : JSON.parse(text);
  } catch {
    const page = /^\s*</.test(text);
    const shown = page ? pageTitle(text) : JSON.stringify(text.slice(0, 200));
    throw new MlflowResponseError(request, '', `body is not JSON: ${shown}`, !page);
  }
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new MlflowResponseError(
    request,
    issue?.path.join('.') ?? '',
    issue?.message ?? 'does not match the schema',
    false,
  );
}
