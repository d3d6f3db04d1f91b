// A tiny router that owns the page's query string, as a host app's router (React Router, TanStack
// Router, …) would: the dashboard's view lives in `?…`, so links, reloads and back and forward work.
import { useSyncExternalStore } from 'react';

/** How `navigate` changes the history: a new entry (a back step) or the current one. */
export type HistoryMode = 'push' | 'replace';

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

const currentQuery = () => location.search.slice(1);

/** The address bar's query (without `?`); re-renders on back, forward and `navigate`. */
export function useQuery(): string {
  return useSyncExternalStore(subscribe, currentQuery);
}

/** Puts `query` in the address bar, keeping the path and hash. */
export function navigate(query: string, mode: HistoryMode): void {
  if (query === currentQuery()) return;
  const url = `${location.pathname}${query ? `?${query}` : ''}${location.hash}`;
  if (mode === 'push') history.pushState(null, '', url);
  else history.replaceState(history.state, '', url);
  for (const listener of listeners) listener();
}
