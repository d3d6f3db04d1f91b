/**
 * The store's bookkeeping of what charts show: fetched windows (held within a budget, never
 * dropped while shown) and the metric keys whose raw points should arrive live.
 */
import type { SeriesWindow, SeriesWindowQuery } from '../../protocol/index.js';
import { DEFAULT_WINDOW_BUDGET_BYTES, WindowCache } from './window-cache.js';
import { type SeriesWindowFetcher, WindowsUnavailableError } from './window-fetcher.js';

/** Called when the metric keys whose raw points the charts want change (see `showPoints`). */
export type PointKeysListener = (keys: readonly string[]) => void;

export class ShownWindows {
  private readonly windows: WindowCache;
  private fetcher?: SeriesWindowFetcher;
  /** Metric key -> how many charts show it. */
  private readonly pointKeys = new Map<string, number>();
  private readonly pointKeysListeners = new Set<PointKeysListener>();
  /** How many times held windows turned stale. */
  private invalidations = 0;
  /** While the source reconnects for other point keys: fetches wait for it (see `holdFetches`). */
  private held?: { done: Promise<void>; release: () => void; timer: ReturnType<typeof setTimeout> };

  /** `onInvalidate` is told when held windows turn stale, so charts fetch what they show again. */
  constructor(
    private readonly onInvalidate: () => void,
    budgetBytes = DEFAULT_WINDOW_BUDGET_BYTES,
  ) {
    this.windows = new WindowCache(budgetBytes);
  }

  /** Whether windows can be fetched (the source serves them). */
  get canFetch(): boolean {
    return this.fetcher !== undefined;
  }

  /** Sets how windows are fetched (undefined: the source sends every raw point); drops those held. */
  setFetcher(fetcher: SeriesWindowFetcher | undefined): void {
    this.fetcher = fetcher;
    this.windows.clear();
  }

  /** See `TrialStore.fetchWindow`. */
  async fetch(query: SeriesWindowQuery, signal?: AbortSignal): Promise<SeriesWindow> {
    const key = windowKey(query);
    const held = this.windows.get(key);
    if (held && this.windows.show(key)) return held;
    if (this.held) {
      const invalidations = this.invalidations;
      await this.held.done;
      // The reconnection made every window stale: charts ask again and abort this one, unsent.
      if (signal && invalidations !== this.invalidations) await abortedOrAfter(signal, REPLACE_WAIT_MS);
      signal?.throwIfAborted();
    }
    const fetcher = this.fetcher;
    if (!fetcher) throw new Error('this store cannot fetch windows: its source sends raw points');
    let window: SeriesWindow;
    try {
      window = await fetcher(query, signal);
    } catch (error) {
      if (error instanceof WindowsUnavailableError && this.fetcher === fetcher) {
        // A server without windows sends raw points: charts draw those instead.
        this.setFetcher(undefined);
        this.invalidate();
      }
      throw error;
    }
    signal?.throwIfAborted();
    this.windows.put(key, window);
    return window;
  }

  /** A window fetched with {@link fetch} is no longer shown: it may be dropped for room. */
  release(query: SeriesWindowQuery): void {
    this.windows.hide(windowKey(query));
  }

  /** Bytes held by fetched windows. */
  get bytes(): number {
    return this.windows.bytes;
  }

  /** Drops the held windows without telling anyone (a snapshot replaces everything anyway). */
  clear(): void {
    this.windows.clear();
  }

  /** Drops the held windows and tells the store they are stale; fetches held go ahead. */
  invalidate(): void {
    this.windows.clear();
    this.invalidations++;
    this.releaseFetches();
    this.onInvalidate();
  }

  /**
   * Makes fetches wait, at most `maxMs`, until {@link invalidate} or {@link releaseFetches}: a source
   * about to reconnect for other point keys would make every window read before it stale, and the
   * server would read a first overview twice (the first read, cold, the slowest of all).
   */
  holdFetches(maxMs: number): void {
    if (this.held) return;
    let release!: () => void;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.held = { done, release, timer: setTimeout(() => this.releaseFetches(), maxMs) };
  }

  /** Lets held fetches go. */
  releaseFetches(): void {
    const held = this.held;
    if (!held) return;
    this.held = undefined;
    clearTimeout(held.timer);
    held.release();
  }

  /** See `TrialStore.showPoints`. */
  showPoints(key: string): () => void {
    const count = this.pointKeys.get(key) ?? 0;
    this.pointKeys.set(key, count + 1);
    if (count === 0) this.notifyPointKeys();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const left = (this.pointKeys.get(key) ?? 1) - 1;
      if (left > 0) this.pointKeys.set(key, left);
      else {
        this.pointKeys.delete(key);
        this.notifyPointKeys();
      }
    };
  }

  /** The metric keys charts show, sorted. */
  get shownPointKeys(): string[] {
    return [...this.pointKeys.keys()].sort();
  }

  /** Calls `listener` whenever {@link shownPointKeys} changes. Returns the unsubscribe function. */
  onPointKeysChange(listener: PointKeysListener): () => void {
    this.pointKeysListeners.add(listener);
    return () => this.pointKeysListeners.delete(listener);
  }

  private notifyPointKeys(): void {
    const keys = this.shownPointKeys;
    for (const listener of this.pointKeysListeners) listener(keys);
  }
}

/** How long a fetch made stale while held waits for its caller to replace (abort) it before going ahead. */
const REPLACE_WAIT_MS = 1000;

/** Resolves when `signal` aborts, or after `ms`. */
function abortedOrAfter(signal: AbortSignal, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    if (signal.aborted) done();
    else signal.addEventListener('abort', done);
  });
}

/** The cache key of a window request (its fields in a fixed order). */
function windowKey(q: SeriesWindowQuery): string {
  return JSON.stringify([q.studyId, q.key, q.x, q.from, q.to, q.columns, q.trialIds ?? null]);
}
