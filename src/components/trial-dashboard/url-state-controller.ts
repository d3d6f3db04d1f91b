/**
 * Keeps the dashboard's view query in the address bar (`<trial-dashboard url-state>`): a write
 * either pushes a history entry (a new study, worth a back step) or replaces the current one after
 * a short quiet period (zoom, selection, metrics: many small changes, no back steps). Back and
 * forward hand the address bar's query to `restore`. Query parameters that are not the view's stay.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { VIEW_KEYS } from './view-state.js';

/** How `write` changes the history. */
export type HistoryMode = 'push' | 'replace';

/** How long a replace waits for further changes, in milliseconds. */
const REPLACE_DELAY_MS = 250;

export class UrlStateController implements ReactiveController {
  private pending?: ReturnType<typeof setTimeout>;
  private pendingQuery?: string;

  constructor(
    host: ReactiveControllerHost,
    /** Called on back and forward with the address bar's query (without `?`). */
    private readonly restore: (query: string) => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener('popstate', this.onPopState);
  }

  hostDisconnected(): void {
    window.removeEventListener('popstate', this.onPopState);
    this.flush();
  }

  /** The address bar's query, without `?`. */
  get query(): string {
    return location.search.slice(1);
  }

  /** Puts `viewQuery` in the address bar: at once for a push, after a quiet period for a replace. */
  write(viewQuery: string, mode: HistoryMode): void {
    if (mode === 'push') {
      this.cancel();
      if (viewUrl(viewQuery) !== location.href) history.pushState(null, '', viewUrl(viewQuery));
      return;
    }
    this.pendingQuery = viewQuery;
    clearTimeout(this.pending);
    this.pending = setTimeout(() => this.flush(), REPLACE_DELAY_MS);
  }

  /** Applies a waiting replace now. */
  flush(): void {
    const query = this.pendingQuery;
    this.cancel();
    if (query !== undefined) history.replaceState(history.state, '', viewUrl(query));
  }

  private cancel(): void {
    clearTimeout(this.pending);
    this.pending = this.pendingQuery = undefined;
  }

  private readonly onPopState = (): void => {
    this.cancel();
    this.restore(this.query);
  };
}

/** The current address with its view parameters replaced by `viewQuery`; the hash is kept. */
export function viewUrl(viewQuery: string, href = location.href): string {
  const url = new URL(href);
  const own = url.search
    .slice(1)
    .split('&')
    .filter((pair) => pair && !VIEW_KEYS.has(pair.split('=')[0]));
  url.search = [...own, viewQuery].filter(Boolean).join('&');
  return url.href;
}
