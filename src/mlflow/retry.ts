/** The one retry policy: which failures are retried, and how long to wait before the next attempt. */
import { backoffDelay } from './backoff.js';

/** How failed requests are retried. Every field has a default; pass `retry: false` to turn retries off. */
export interface RetryOptions {
  /** Attempts in total, the first included. Default 5. */
  maxAttempts?: number;
  /** Delay before the first retry, doubled for each further one. Default 250 ms. */
  baseDelayMs?: number;
  /** Upper bound of one backoff delay (a longer `Retry-After` is still honoured). Default 8 s. */
  maxDelayMs?: number;
  /** No retry starts once this much time has passed since the first attempt. Default 60 s. */
  maxElapsedMs?: number;
  /** HTTP statuses worth another attempt. Default 408, 429, 500, 502, 503, 504. */
  statuses?: readonly number[];
}

export type ResolvedRetry = Required<RetryOptions>;

export const DEFAULT_RETRY: ResolvedRetry = {
  maxAttempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 8000,
  maxElapsedMs: 60_000,
  statuses: [408, 429, 500, 502, 503, 504],
};

/** Merges per-call over per-client over defaults; `false` anywhere means one attempt. */
export function resolveRetry(...layers: (RetryOptions | false | undefined)[]): ResolvedRetry {
  let resolved = DEFAULT_RETRY;
  for (const layer of layers) {
    if (layer === false) resolved = { ...resolved, maxAttempts: 1 };
    else if (layer) resolved = { ...resolved, ...definedOnly(layer) };
  }
  return resolved;
}

function definedOnly(options: RetryOptions): RetryOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}

/**
 * Statuses that prove the server did not act on the request (it refused before doing anything),
 * so even a non-idempotent call such as `runs/create` may be sent again.
 */
const NOT_PROCESSED = new Set([429, 503]);

/** What went wrong with an attempt, as far as retrying is concerned. */
export type Failure = { kind: 'status'; status: number; retryAfterMs?: number } | { kind: 'network' };

/** Whether the failure may be retried at all, ignoring attempt and time budgets. */
export function isRetryable(failure: Failure, idempotent: boolean, policy: ResolvedRetry): boolean {
  if (failure.kind === 'network') return idempotent;
  if (!policy.statuses.includes(failure.status)) return false;
  return idempotent || NOT_PROCESSED.has(failure.status);
}

/** Exponential backoff with "equal jitter" (half fixed, half random), or the server's `Retry-After`. */
export function retryDelay(attempt: number, failure: Failure, policy: ResolvedRetry): number {
  if (failure.kind === 'status' && failure.retryAfterMs !== undefined) return failure.retryAfterMs;
  return backoffDelay(attempt, { baseMs: policy.baseDelayMs, maxMs: policy.maxDelayMs });
}

/** Parses `Retry-After` (seconds or an HTTP date) or `retry-after-ms`; undefined when absent or unparsable. */
export function parseRetryAfter(headers: Headers, now = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Resolves after `ms`, or rejects with the signal's reason once it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
