/**
 * Vacuums the tables appends rewrite, where nothing else does: PGlite runs no autovacuum, and
 * without VACUUM no page an old row version freed is used again. A one-point append rewrites its
 * series' row (the tail); a flush of the tail rewrites the series' last chunk (up to 96 KiB) and
 * summary rows. Unvacuumed, 120,000 one-point appends to 200 series grew `metric_series` to 148 MB
 * for under 2 MB of rows, and 60,000 to 10 series grew `metric_chunk` to 30 MB for 1.4 MB of
 * points. Series rows are vacuumed every {@link SERIES_VACUUM_EVERY} appends, chunks and summaries
 * every {@link CHUNKS_VACUUM_EVERY} (fewer, larger tables, rewritten once a tail flush): a few ms
 * each at 200 series; at 1,000 trials x 100,000 points, 3-11 ms for the series rows, ~175 ms for
 * the chunks (their TOAST table) and ~110 ms for the summaries. One vacuum at a time, a table a
 * statement; the pool's queue keeps it out of transactions.
 */

/** Appends between two vacuums of `metric_series`. */
export const SERIES_VACUUM_EVERY = 2000;
/** Appends between two vacuums of `metric_chunk` and `series_summary`. */
export const CHUNKS_VACUUM_EVERY = 20_000;

/** Tables vacuumed on one schedule, and how many appends apart. */
interface Schedule {
  readonly tables: readonly string[];
  readonly every: number;
  /** The appends counted at its last vacuum. */
  last: number;
}

export class AppendVacuum {
  private appends = 0;
  private running?: Promise<void>;
  private readonly schedules: Schedule[];

  /**
   * `run` vacuums the table it is given; series rows are vacuumed every `every` appends, chunks
   * and summaries {@link CHUNKS_VACUUM_EVERY} / {@link SERIES_VACUUM_EVERY} times as many apart.
   */
  constructor(
    private readonly run: (table: string) => Promise<unknown>,
    every = SERIES_VACUUM_EVERY,
  ) {
    this.schedules = [
      { tables: ['metric_series'], every, last: 0 },
      {
        tables: ['metric_chunk', 'series_summary'],
        every: (every * CHUNKS_VACUUM_EVERY) / SERIES_VACUUM_EVERY,
        last: 0,
      },
    ];
  }

  /** `n` appends committed: vacuums whatever tables are due, once no vacuum runs. */
  appended(n: number): void {
    this.appends += n;
    if (this.running) return;
    const due = this.schedules.filter((s) => this.appends - s.last >= s.every);
    if (due.length === 0) return;
    for (const s of due) s.last = this.appends;
    // A table a statement, so other statements run between them: the three in one statement
    // held the store for 330-440 ms at 1,000 trials x 100,000 points.
    this.running = this.vacuum(due.flatMap((s) => s.tables)).finally(() => {
      this.running = undefined;
    });
  }

  private async vacuum(tables: readonly string[]): Promise<void> {
    for (const table of tables) {
      // A vacuum refused (the store closing) or failed loses nothing: the next one frees the space.
      await this.run(table).catch(() => {});
    }
  }

  /** Resolves once a vacuum under way has finished. */
  async idle(): Promise<void> {
    await this.running;
  }
}
