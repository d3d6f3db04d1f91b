/**
 * Feeds a store from a Server-Sent Events endpoint such as `trialkit/server`'s `createEventStream`.
 * Each message is one protocol event and its SSE id is the event's `seq`.
 */
import { httpWindowFetcher, windowUrlBeside } from '../lod/window-fetcher.js';
import type { TrialStore } from '../store.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import { EventFeed, type Handler, type SourceHandle } from './feed.js';
import { beatPresence, type PresenceBeat, type PresenceBeatOptions, withViewer } from './presence-beat.js';
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
  /**
   * Fetch series windows (level of detail): `true` from `new URL('series', url)`, the server's
   * window handler beside its event stream, or from the URL given. The stream is then asked for
   * protocol v2: summaries instead of raw points but for the metric keys charts show. Default
   * off: every raw point arrives, as in protocol v1.
   */
  windows?: boolean | string | URL;
  /** The `fetch` for windows and presence heartbeats; defaults to the platform's. */
  fetch?: typeof fetch;
  /**
   * Presence: announce this tab (`store.presence`) on the stream's URL and beat at `POST presence`
   * beside it, so the server counts it and sends `presence` events. Default off; `connect()`,
   * which the dashboard uses, turns it on. An object tunes the heartbeat.
   */
  presence?: boolean | PresenceBeatOptions;
}

/** How long a change of the charts' metric keys waits for more before reconnecting. */
const POINT_KEYS_SETTLE_MS = 50;
/** The longest window fetches wait for that reconnection (a safety net: it follows the settle delay). */
const WINDOW_HOLD_MAX_MS = 3000;

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
  const windowed = !!options.windows;
  if (options.windows) {
    const windowUrl = options.windows === true ? windowUrlBeside(url) : options.windows;
    store.setWindowFetcher(
      httpWindowFetcher(windowUrl, { fetch: options.fetch, withCredentials: options.withCredentials }),
    );
  }
  /** Presence heartbeats, when asked for (set once the connection is kept). */
  let beat: PresenceBeat | undefined;

  const kept = keepConnected(
    store,
    backoff,
    (lost) => {
      const resumed = resumeUrl(url, store.lastSeq);
      const target = options.presence ? withViewer(resumed, store) : resumed;
      const current = new Source(windowed ? levelOfDetailUrl(target, store.shownPointKeys) : target, {
        withCredentials: options.withCredentials,
      });
      current.onopen = () => {
        store.setConnection({ state: 'open' });
        // An announcement posted while the stream was reconnecting found no stream: say it again.
        beat?.beat();
      };
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
  beat = options.presence
    ? beatPresence(store, url, {
        fetch: options.fetch,
        withCredentials: options.withCredentials,
        ...(typeof options.presence === 'object' ? options.presence : {}),
      })
    : undefined;
  if (!windowed) {
    return {
      close() {
        beat?.close();
        kept.close();
      },
    };
  }
  let settle: ReturnType<typeof setTimeout> | undefined;
  const stopWatching = store.onPointKeysChange(() => {
    store.holdWindowFetches(WINDOW_HOLD_MAX_MS);
    clearTimeout(settle);
    settle = setTimeout(() => {
      kept.reconnect();
      // A window read before now may lack points the old stream sent only as summaries; one read
      // from now on has every point up to the last event applied, and the new stream resumes
      // after it with raw points. So windows are fetched again now, not once the stream speaks
      // (a quiet study's stream may say nothing for long).
      store.invalidateWindows();
    }, POINT_KEYS_SETTLE_MS);
  });
  return {
    close() {
      clearTimeout(settle);
      stopWatching();
      beat?.close();
      kept.close();
    },
  };
}

/**
 * `url` asking for protocol v2: a snapshot of summaries instead of points, and raw points live only
 * for `keys` (the metrics charts show), summaries for the rest.
 */
export function levelOfDetailUrl(url: string, keys: readonly string[]): string {
  const base = (globalThis as { location?: { href: string } }).location?.href;
  const target = new URL(url, base);
  target.searchParams.set('v', '2');
  target.searchParams.set('points', keys.join(','));
  return target.toString();
}

/** `url` with `lastEventId` set when there is a position to resume from. */
export function resumeUrl(url: string | URL, lastSeq: number): string {
  if (lastSeq < 0) return String(url);
  const base = (globalThis as { location?: { href: string } }).location?.href;
  const resumed = new URL(url, base);
  resumed.searchParams.set('lastEventId', String(lastSeq));
  return resumed.toString();
}
