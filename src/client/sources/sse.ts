/**
 * Feeds a store from a Server-Sent Events endpoint such as `trialkit/server`'s `createEventStream`.
 * Each message is one protocol event and its SSE id is the event's `seq`.
 */
import type { TrialStore } from '../store.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import { EventFeed, type Handler, type SourceHandle } from './feed.js';
import { keepConnected } from './reconnect.js';

/** The part of the platform `EventSource` this source uses (the `eventsource` npm package fits too). */
export interface EventSourceLike {
  onopen: Handler<unknown>;
  onmessage: Handler<{ data: string }>;
  onerror: Handler<unknown>;
  close(): void;
}

export type EventSourceConstructor = new (
  url: string,
  init?: { withCredentials?: boolean },
) => EventSourceLike;

export interface SseSourceOptions {
  /** The `EventSource` class; defaults to the platform's (pass the `eventsource` package's in Node). */
  EventSource?: EventSourceConstructor;
  /** Send cookies to another origin. */
  withCredentials?: boolean;
  /** Delays between reconnection attempts. */
  backoff?: BackoffOptions;
}

/**
 * Opens `url` and applies every event it sends. When the connection fails it reconnects with
 * backoff and resumes after the last `seq` it applied, sent as the `lastEventId` query parameter
 * (a browser's `EventSource` cannot set the `Last-Event-ID` header on a new connection).
 * A malformed message is reported in the store's next change and skipped.
 * Drives `store.setConnection`: `connecting`, `open`, `reconnecting` (with the reason), `closed`.
 */
export function connectSse(
  store: TrialStore,
  url: string | URL,
  options: SseSourceOptions = {},
): SourceHandle {
  const Source = options.EventSource ?? (globalThis as { EventSource?: EventSourceConstructor }).EventSource;
  if (!Source) throw new TypeError('connectSse needs an EventSource: pass one in options.EventSource');
  const feed = new EventFeed(store);
  const backoff = new Backoff(options.backoff);

  return keepConnected(
    store,
    backoff,
    (lost) => {
      const current = new Source(resumeUrl(url, store.lastSeq), { withCredentials: options.withCredentials });
      current.onopen = () => store.setConnection({ state: 'open' });
      current.onmessage = (message) => {
        // Reset only once data flows, so a server that accepts and hangs up at once is not hammered.
        backoff.reset();
        feed.acceptUntrusted(message.data);
      };
      current.onerror = (event) => {
        // We reconnect ourselves, with backoff and the resume position in the URL.
        current.close();
        lost((event as { message?: string }).message || 'connection lost');
      };
      return current;
    },
    (current) => current.close(),
  );
}

/** `url` with `lastEventId` set when there is a position to resume from. */
export function resumeUrl(url: string | URL, lastSeq: number): string {
  if (lastSeq < 0) return String(url);
  const base = (globalThis as { location?: { href: string } }).location?.href;
  const resumed = new URL(url, base);
  resumed.searchParams.set('lastEventId', String(lastSeq));
  return resumed.toString();
}
