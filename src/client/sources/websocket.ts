/**
 * Feeds a store from a WebSocket. The protocol is tiny:
 *
 * - Once open, the client sends one text message, `{"resume": n}`: `n` is the last `seq` it
 *   applied, or `null` on its first connection.
 * - The server answers with a snapshot when `n` is `null` or older than what it can replay,
 *   then sends every event after it, one JSON event per text message (`encodeEvent`).
 *
 * With `trialkit/server` and the `ws` package, a server is a few lines:
 *
 * ```ts
 * const stream = createEventStream(engine);
 * new WebSocketServer({ server }).on('connection', (socket) => {
 *   socket.once('message', (data) => {
 *     const { resume } = JSON.parse(String(data));
 *     const detach = stream.attach({ send: (json) => socket.send(json), close: () => socket.close() }, resume ?? undefined);
 *     socket.on('close', detach);
 *   });
 * });
 * ```
 */
import type { TrialStore } from '../store.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import { EventFeed, type Handler, type SourceHandle } from './feed.js';
import { keepConnected } from './reconnect.js';

/** The part of the platform `WebSocket` this source uses. */
export interface WebSocketLike {
  onopen: Handler<unknown>;
  onmessage: Handler<{ data: unknown }>;
  onclose: Handler<{ code: number; reason: string }>;
  onerror: Handler<unknown>;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

export interface WebSocketSourceOptions {
  /** The `WebSocket` class; defaults to the platform's (browsers, Node 22+). */
  WebSocket?: WebSocketConstructor;
  /** Subprotocols to offer. */
  protocols?: string | string[];
  /** Delays between reconnection attempts. */
  backoff?: BackoffOptions;
}

/** The first message a client sends: where to resume, `null` for a snapshot. */
export interface ResumeMessage {
  resume: number | null;
}

/**
 * Opens `url`, sends the resume message, and applies every event the server sends. When the
 * socket closes it reconnects with backoff and resumes after the last `seq` applied. A malformed
 * message is reported in the store's next change and skipped.
 * Drives `store.setConnection`: `connecting`, `open`, `reconnecting` (with the reason), `closed`.
 */
export function connectWebSocket(
  store: TrialStore,
  url: string | URL,
  options: WebSocketSourceOptions = {},
): SourceHandle {
  const Socket = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!Socket) throw new TypeError('connectWebSocket needs a WebSocket: pass one in options.WebSocket');
  const feed = new EventFeed(store);
  const backoff = new Backoff(options.backoff);
  const decoder = new TextDecoder();
  store.presence.setStatus({
    state: 'unavailable',
    reason: 'A WebSocket source does not carry presence; an SSE source from trialkit/server does.',
  });

  return keepConnected(
    store,
    backoff,
    (lost) => {
      const current = new Socket(String(url), options.protocols);
      // Binary frames then arrive as ArrayBuffers, which decode synchronously (Blobs do not).
      (current as { binaryType?: string }).binaryType = 'arraybuffer';
      current.onopen = () => {
        const hello: ResumeMessage = { resume: store.lastSeq >= 0 ? store.lastSeq : null };
        current.send(JSON.stringify(hello));
        store.setConnection({ state: 'open' });
      };
      current.onmessage = (message) => {
        backoff.reset();
        const { data } = message;
        if (typeof data === 'string') feed.acceptUntrusted(data);
        else if (data instanceof ArrayBuffer) feed.acceptUntrusted(decoder.decode(data));
        else store.reportError('malformed_event', 'expected a text message with one JSON event');
      };
      current.onclose = (event) => lost(event.reason || `socket closed (${event.code})`);
      return current;
    },
    (current) => current.close(1000, 'closed by the client'),
  );
}
