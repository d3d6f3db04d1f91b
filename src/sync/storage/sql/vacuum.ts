/**
 * Vacuums the series rows appends rewrite, where nothing else does: PGlite runs no autovacuum. A
 * one-point append rewrites its series' row (the tail, up to a page), and without VACUUM no page
 * an old version freed is used again: 120,000 one-point appends to 200 series grew `metric_series`
 * to 148 MB for under 2 MB of rows (a live study of 200 trials at 10 points/s: gigabytes an hour).
 * Vacuumed after every `every` appends it stays within a few MB, each time a few ms (5-60 ms at
 * 1,000 trials x 5 metrics). One vacuum at a time; the pool's queue keeps it out of transactions.
 */
export class SeriesVacuum {
  private appends = 0;
  private running?: Promise<void>;

  constructor(
    private readonly vacuum: () => Promise<unknown>,
    private readonly every: number,
  ) {}

  /** `n` appends committed: vacuums once `every` have since the last time. */
  appended(n: number): void {
    this.appends += n;
    if (this.appends < this.every || this.running) return;
    this.appends = 0;
    // A vacuum refused (the store closing) or failed loses nothing: the next one frees the space.
    this.running = this.vacuum()
      .then(
        () => {},
        () => {},
      )
      .finally(() => {
        this.running = undefined;
      });
  }

  /** Resolves once a vacuum under way has finished. */
  async idle(): Promise<void> {
    await this.running;
  }
}

/** Appends between two vacuums of `metric_series` on PGlite. */
export const VACUUM_EVERY = 2000;
