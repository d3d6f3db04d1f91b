/**
 * The reconnect loop the SSE and WebSocket sources share: connect; when the connection is lost,
 * report why, wait a backoff step and connect again; stop for good when the handle is closed.
 */
import type { TrialStore } from '../store.js';
import type { Backoff } from './backoff.js';
import type { SourceHandle } from './feed.js';

/** A kept connection that can also be replaced on purpose (e.g. to ask for other data). */
export interface KeptConnection extends SourceHandle {
  /** Closes the current connection and opens a new one at once, without a backoff wait. */
  reconnect(): void;
}

/**
 * Calls `connect` now and after every loss until closed. `connect` opens one connection and calls
 * `lost(reason)` when it ends; a loss reported by a connection already replaced or closed is
 * ignored. `disconnect` releases the current connection when the handle is closed.
 * Drives `store.setConnection`: `connecting`, `reconnecting` (with the reason), `closed`; the
 * connection itself reports `open`.
 */
export function keepConnected<C>(
  store: TrialStore,
  backoff: Backoff,
  connect: (lost: (reason: string) => void) => C,
  disconnect: (connection: C) => void,
): KeptConnection {
  let connection: C | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const open = () => {
    const current: C = connect((reason) => {
      if (closed || connection !== current) return;
      store.setConnection({ state: 'reconnecting', message: reason });
      retry = setTimeout(open, backoff.next());
    });
    connection = current;
  };

  store.setConnection({ state: 'connecting' });
  open();
  return {
    reconnect() {
      if (closed) return;
      clearTimeout(retry);
      const previous = connection;
      connection = undefined;
      if (previous !== undefined) disconnect(previous);
      open();
    },
    close() {
      if (closed) return;
      closed = true;
      clearTimeout(retry);
      if (connection !== undefined) disconnect(connection);
      store.setConnection({ state: 'closed' });
    },
  };
}
