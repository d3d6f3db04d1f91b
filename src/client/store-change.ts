/** What changed in a `TrialStore` between two notifications to its subscribers. */
import type { ErrorEvent } from '../protocol/index.js';

/**
 * Where the points of one series changed: indices from `from` on are new or moved. A change of the
 * series' summary alone (a `metrics.summary` event) has `from` at the series' length.
 */
export interface SeriesChange {
  readonly trialId: string;
  readonly key: string;
  readonly from: number;
}

/** What changed between two notifications. */
export interface StoreChange {
  /** A snapshot replaced the whole state: redraw everything. */
  readonly reset: boolean;
  /** Studies upserted or removed. */
  readonly studies: ReadonlySet<string>;
  /** Trials upserted or removed. */
  readonly trials: ReadonlySet<string>;
  /** Series that gained points or whose summary changed, by `seriesId(trialId, key)`. */
  readonly series: ReadonlyMap<string, SeriesChange>;
  /** Windows fetched before are stale (the source reconnected): fetch what is shown again. */
  readonly windows: boolean;
  /** Trials whose sync state changed. */
  readonly sync: ReadonlySet<string>;
  /** The connection state changed. */
  readonly connection: boolean;
  /** Presence (who looks at which study, or whether it can be known) changed: `store.presence`. */
  readonly presence: boolean;
  /** Malformed events and source errors, in arrival order. */
  readonly errors: readonly ErrorEvent[];
}

/** The change gathered since the last notification. */
export class PendingChange implements StoreChange {
  reset = false;
  studies = new Set<string>();
  trials = new Set<string>();
  series = new Map<string, SeriesChange>();
  sync = new Set<string>();
  windows = false;
  connection = false;
  presence = false;
  errors: ErrorEvent[] = [];

  /** Nothing to tell subscribers. */
  get empty(): boolean {
    return (
      !this.reset &&
      this.studies.size + this.trials.size + this.series.size + this.sync.size + this.errors.length === 0 &&
      !this.connection &&
      !this.presence &&
      !this.windows
    );
  }
}
