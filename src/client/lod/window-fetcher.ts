/**
 * How a store gets series windows: from the producer in-process, or over HTTP from the server that
 * streams the events (`trialkit/server`'s series-window handler, at `new URL('series', sseUrl)`).
 */
import type { EventProducer, SeriesWindow, SeriesWindowQuery } from '../../protocol/index.js';
import { decodeSeriesWindow, SERIES_WINDOW_CONTENT_TYPE } from '../../protocol/window-codec.js';

/** Answers a window request; rejects with an `AbortError` when `signal` aborts. */
export type SeriesWindowFetcher = (query: SeriesWindowQuery, signal?: AbortSignal) => Promise<SeriesWindow>;

/** A producer's own `seriesWindow`, or undefined when it has none (it serves raw points only). */
export function producerWindowFetcher(producer: EventProducer): SeriesWindowFetcher | undefined {
  const seriesWindow = producer.seriesWindow;
  return seriesWindow && ((query, signal) => seriesWindow.call(producer, query, signal));
}

/** Where the window handler sits beside an SSE endpoint: `/events` → `/series`. */
export function windowUrlBeside(sseUrl: string | URL): URL {
  const base = (globalThis as { location?: { href: string } }).location?.href;
  return new URL('series', new URL(sseUrl, base));
}

export interface HttpWindowFetcherOptions {
  /** The `fetch` to use; defaults to the platform's. */
  fetch?: typeof fetch;
  /** Send cookies to another origin. */
  withCredentials?: boolean;
}

/** The server has no window handler (a v1 server): the store falls back to raw points. */
export class WindowsUnavailableError extends Error {
  override name = 'WindowsUnavailableError';
}

/** Query strings longer than this go as a POST body instead (long trial lists). */
const MAX_GET_URL = 4000;

/**
 * Fetches windows from `url` (GET with query parameters, POST with a JSON body for long trial
 * lists), accepting the binary encoding first and JSON as well. A non-2xx answer rejects with the
 * server's `{ error, field }` message.
 */
export function httpWindowFetcher(
  url: string | URL,
  options: HttpWindowFetcherOptions = {},
): SeriesWindowFetcher {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const credentials: RequestCredentials = options.withCredentials ? 'include' : 'same-origin';
  const accept = `${SERIES_WINDOW_CONTENT_TYPE}, application/json;q=0.9`;
  return async (query, signal) => {
    const get = windowGetUrl(url, query);
    const response =
      get.length <= MAX_GET_URL
        ? await doFetch(get, { headers: { accept }, credentials, signal })
        : await doFetch(String(url), {
            method: 'POST',
            headers: { accept, 'content-type': 'application/json' },
            body: JSON.stringify(query),
            credentials,
            signal,
          });
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as { error?: string; field?: string };
      // A 404 naming no field is a missing route, not a missing study, trial or key.
      if ((response.status === 404 && !body.field) || response.status === 405 || response.status === 501)
        throw new WindowsUnavailableError(`no series windows at ${String(url)} (${response.status})`);
      throw new Error(`series window: ${response.status} ${body.error ?? response.statusText}`);
    }
    if (response.headers.get('content-type')?.startsWith(SERIES_WINDOW_CONTENT_TYPE))
      return decodeSeriesWindow(await response.arrayBuffer());
    return (await response.json()) as SeriesWindow;
  };
}

/** The GET form of a window request. */
export function windowGetUrl(url: string | URL, query: SeriesWindowQuery): string {
  const base = (globalThis as { location?: { href: string } }).location?.href;
  const target = new URL(url, base);
  const params = target.searchParams;
  params.set('study', query.studyId);
  params.set('key', query.key);
  params.set('x', query.x);
  if (query.from !== undefined) params.set('from', String(query.from));
  if (query.to !== undefined) params.set('to', String(query.to));
  params.set('columns', String(query.columns));
  if (query.trialIds) params.set('trials', query.trialIds.join(','));
  return target.toString();
}
