/**
 * Fetched series windows within a memory budget: the least recently used windows that no chart
 * shows any more are dropped first; a window being shown is never dropped.
 */
import type { SeriesWindow } from '../../protocol/index.js';

/** Default budget for held windows: a few screens of many curves each. */
export const DEFAULT_WINDOW_BUDGET_BYTES = 64 * 2 ** 20;

interface Held {
  readonly window: SeriesWindow;
  readonly bytes: number;
  shown: number;
}

export class WindowCache {
  /** In use order: the first entry is the least recently used. */
  private readonly held = new Map<string, Held>();
  private _bytes = 0;

  constructor(readonly budgetBytes = DEFAULT_WINDOW_BUDGET_BYTES) {}

  /** Bytes the held windows take, as estimated by {@link windowBytes}. */
  get bytes(): number {
    return this._bytes;
  }
  get size(): number {
    return this.held.size;
  }

  /** The window held under `key`, now the most recently used; undefined when not held. */
  get(key: string): SeriesWindow | undefined {
    const entry = this.held.get(key);
    if (!entry) return undefined;
    this.held.delete(key);
    this.held.set(key, entry);
    return entry.window;
  }

  /** Holds `window` under `key` (shown once), then drops unshown windows until within budget. */
  put(key: string, window: SeriesWindow): void {
    const previous = this.held.get(key);
    if (previous) {
      this._bytes -= previous.bytes;
      this.held.delete(key);
    }
    const bytes = windowBytes(window);
    this.held.set(key, { window, bytes, shown: (previous?.shown ?? 0) + 1 });
    this._bytes += bytes;
    this.evict();
  }

  /** Marks a window shown by one more chart; false when it is not held (evicted meanwhile). */
  show(key: string): boolean {
    const entry = this.held.get(key);
    if (entry) entry.shown++;
    return !!entry;
  }

  /** A chart stopped showing the window: it may be dropped once the budget needs room. */
  hide(key: string): void {
    const entry = this.held.get(key);
    if (!entry) return;
    entry.shown = Math.max(0, entry.shown - 1);
    this.evict();
  }

  /** Drops every window (a snapshot replaced the data they were cut from). */
  clear(): void {
    this.held.clear();
    this._bytes = 0;
  }

  private evict(): void {
    for (const [key, entry] of this.held) {
      if (this._bytes <= this.budgetBytes) return;
      if (entry.shown > 0) continue;
      this.held.delete(key);
      this._bytes -= entry.bytes;
    }
  }
}

/** An estimate of a window's heap: 8 bytes per number, plus each part's overhead. */
export function windowBytes(window: SeriesWindow): number {
  let bytes = 128;
  for (const part of window.series) bytes += 256 + 2 * part.trialId.length + 24 * part.steps.length;
  return bytes;
}
