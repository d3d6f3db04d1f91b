/**
 * Flushes full series tails after the appends that filled them, one series per transaction, so
 * an append never waits for a flush (its chunk and summary rows are tens of ms at scale, and
 * series appended in step flush together) — only, at most, for the one flush running.
 */
import { type SeriesKey, seriesId } from './series.js';

export class TailFlusher {
  private readonly queue = new Map<string, SeriesKey>();
  private running?: Promise<void>;

  /** `flush` flushes one series' tail if it is still full. */
  constructor(private readonly flush: (series: SeriesKey) => Promise<void>) {}

  /** Queues series whose tail is full (each once, however often told). */
  add(series: readonly SeriesKey[]): void {
    for (const s of series) this.queue.set(seriesId(s.trialId, s.key), s);
    this.running ??= this.drain();
  }

  /** Resolves once every queued flush is done (before the database closes). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    try {
      for (const [id, series] of this.queue) {
        this.queue.delete(id);
        // A failed flush loses nothing: the points stay in the tail, and the next append to the
        // series finds it full again (or, at twice the limit, flushes it itself).
        await this.flush(series).catch(() => {});
      }
    } finally {
      this.running = undefined;
    }
  }
}
