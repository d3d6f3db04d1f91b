/**
 * Announces the dashboard's view (`view-change`) and, with `url-state`, keeps it in the address bar:
 * a write either pushes a history entry (a new study, worth a back step) or replaces the current
 * one after a short quiet period (zoom, selection, metrics: many small changes, no back steps).
 * On connect and on back and forward the address bar's view is shown. Query parameters that are
 * not the view's stay.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ViewChangeEvent } from '../events/view-change-event.js';
import { fromQuery, toQuery, VIEW_KEYS, type ViewState } from './view-state.js';

/** How `write` changes the history. */
export type HistoryMode = 'push' | 'replace';

/** How long a replace waits for further changes, in milliseconds. */
const REPLACE_DELAY_MS = 250;

export interface UrlStateOptions {
  /** Whether the view lives in the address bar (the host's `url-state`). */
  enabled: () => boolean;
  /** The host's view as it is now. */
  view: () => ViewState;
  /** Shows a view read from the address bar. */
  show: (state: ViewState) => void;
}

export class UrlStateController implements ReactiveController {
  private pending?: ReturnType<typeof setTimeout>;
  private pendingQuery?: string;
  /** The view query last announced; undefined until the first `announce`. */
  private announcedQuery?: string;
  /** True while a view from the address bar or the host is applied: announced, not written back. */
  private restoring = false;

  constructor(
    private readonly host: ReactiveControllerHost & EventTarget,
    private readonly options: UrlStateOptions,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener('popstate', this.onPopState);
    if (this.options.enabled()) this.options.show(fromQuery(this.query));
  }

  hostDisconnected(): void {
    window.removeEventListener('popstate', this.onPopState);
    this.flush();
  }

  /** The address bar's query, without `?`. */
  get query(): string {
    return location.search.slice(1);
  }

  /** The next view announced was set from outside (the address bar or the host): it is not written back. */
  restored(): void {
    this.restoring = true;
  }

  /**
   * After the host's update: raises `view-change` when the view differs from the last one, and
   * with `url-state` writes it (a push when the study changed). Returns whether the view changed
   * other than by a view set from outside.
   */
  announce(studyChanged: boolean): boolean {
    const state = this.options.view();
    const query = toQuery(state);
    const first = this.announcedQuery === undefined;
    const restored = this.restoring;
    this.restoring = false;
    if (query === this.announcedQuery) return false;
    this.announcedQuery = query;
    const enabled = this.options.enabled();
    if (first) {
      // A link's stale or hand-written parts (a removed trial, a study name) leave the address bar.
      if (enabled && query !== toQuery(fromQuery(this.query))) this.write(query, 'replace');
      return false;
    }
    this.host.dispatchEvent(new ViewChangeEvent(state, query));
    if (enabled && !restored) this.write(query, studyChanged ? 'push' : 'replace');
    return !restored;
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
    if (this.options.enabled()) this.options.show(fromQuery(this.query));
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
