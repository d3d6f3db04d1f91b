/**
 * A tab's side of presence over HTTP: its announcement rides on the event stream's URL (so a
 * server counts it as soon as the stream opens and forgets it when the stream closes), and a
 * heartbeat to `POST presence` beside the stream says it is still there and which study it shows.
 */
import type { TrialStore } from '../store.js';

export interface PresenceBeatOptions {
  /** Where heartbeats go; default `new URL('presence', streamUrl)`. */
  url?: string | URL;
  /** Heartbeat period (ms, default 5,000; a server drops a tab not heard from in 15,000). */
  intervalMs?: number;
  /** The `fetch` for heartbeats; defaults to the platform's. */
  fetch?: typeof fetch;
  /** Send cookies to another origin. */
  withCredentials?: boolean;
}

/** Heartbeats run; `close` stops them. */
export interface PresenceBeat {
  /** Beats now, e.g. once the stream has (re)opened, so the server has the latest announcement. */
  beat(): void;
  close(): void;
}

/** A beat answered 409 raced a reconnecting stream: it is tried again this much later (ms). */
const RETRY_UNKNOWN_MS = 250;

/** `url` with this tab's announcement as query parameters (`viewer`, `study`, `name`, `color`). */
export function withViewer(url: string, store: TrialStore): string {
  const base = (globalThis as { location?: { href: string } }).location?.href;
  const target = new URL(url, base);
  for (const [key, value] of Object.entries(announcement(store))) {
    if (value !== undefined) target.searchParams.set(key, value);
  }
  return target.toString();
}

/**
 * Posts the announcement every `intervalMs` and at once when it changes. A server without the
 * route (404, 405) makes presence unavailable, with the reason; other failures are left to the
 * stream's reconnection.
 */
export function beatPresence(
  store: TrialStore,
  streamUrl: string | URL,
  options: PresenceBeatOptions = {},
): PresenceBeat {
  const doFetch = options.fetch ?? globalThis.fetch?.bind(globalThis);
  const base = (globalThis as { location?: { href: string } }).location?.href;
  const target = options.url ?? new URL('presence', new URL(streamUrl, base));
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const beat = (again = true) => {
    if (stopped || !doFetch) return;
    clearTimeout(retry);
    doFetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(announcement(store)),
      credentials: options.withCredentials ? 'include' : 'same-origin',
      keepalive: true,
    }).then(
      (res) => {
        if (stopped) return;
        // The stream was between connections (its seat gone, the new one not yet taken).
        if (res.status === 409 && again) retry = setTimeout(() => beat(false), RETRY_UNKNOWN_MS);
        if (res.status !== 404 && res.status !== 405) return;
        stop();
        store.presence.setStatus({
          state: 'unavailable',
          reason: 'This server does not share who is watching (it has no presence endpoint).',
        });
      },
      () => {}, // the stream reports a lost connection; a heartbeat need not say it twice
    );
  };
  const timer = setInterval(beat, options.intervalMs ?? 5000);
  const unlisten = store.presence.onAnnounce(beat);
  const stop = () => {
    stopped = true;
    clearInterval(timer);
    clearTimeout(retry);
    unlisten();
  };
  return { beat: () => beat(), close: stop };
}

function announcement(store: TrialStore): Record<string, string | undefined> {
  const { self, id } = store.presence;
  return { viewer: id, study: self.studyId, name: self.name, color: self.color };
}
