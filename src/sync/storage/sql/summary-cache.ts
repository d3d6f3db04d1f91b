/**
 * Decoded summary rows of the series windows asked for lately, so a repeated overview or zoom
 * does not move the same bytes out of the database again. An entry is one series' rows together
 * with the series' header (its whole-series bucket) as read beside them: a window query reads the
 * headers first anyway, and any append, by this process or another sharing the database, changes
 * the header (its count at least), so an entry whose header differs is stale and read again.
 * Rows this process writes are kept too, once their transaction commits ({@link written}), so the
 * first window after an ingest does not read back what was just written.
 * Bounded by bytes, least recently used first out.
 */
import { BUCKETS_PER_ROW, type SummariesWritten } from './summaries.js';
import { BUCKET_FIELDS } from './summary-row-codec.js';

/** A row of buckets, or null where the database has no such row (a gap in the steps). */
export type CachedRow = Float64Array | null;

interface Entry {
  header: Float64Array;
  rows: Map<string, CachedRow>;
  bytes: number;
  /** Every row the series has is here (this process wrote all of them): a row not held does not exist. */
  complete: boolean;
}

const ROW_BYTES = BUCKETS_PER_ROW * BUCKET_FIELDS * 8;

export class SummaryRowCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(readonly maxBytes = 256 * 1024 * 1024) {}

  /** Bytes of rows held now. */
  get heldBytes(): number {
    return this.bytes;
  }

  /**
   * The rows `level:block` of every `wanted` one of a series whose header is `header`, or undefined
   * unless every one is held and current.
   */
  rows(
    trialId: string,
    key: string,
    header: Float64Array,
    wanted: string[],
  ): Map<string, CachedRow> | undefined {
    const id = `${trialId}\u0000${key}`;
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (!sameHeader(entry.header, header)) {
      this.drop(id, entry);
      return undefined;
    }
    if (!entry.complete && !wanted.every((w) => entry.rows.has(w))) return undefined;
    // Most recently used last.
    this.entries.delete(id);
    this.entries.set(id, entry);
    return entry.rows;
  }

  /** Keeps rows just read for a series with header `header` (rows read under another header are dropped). */
  keep(trialId: string, key: string, header: Float64Array, rows: Map<string, CachedRow>): void {
    const id = `${trialId}\u0000${key}`;
    let entry = this.entries.get(id);
    if (entry && !sameHeader(entry.header, header)) {
      this.drop(id, entry);
      entry = undefined;
    }
    if (!entry) {
      entry = { header, rows: new Map(), bytes: 0, complete: false };
      this.entries.set(id, entry);
    }
    for (const [at, row] of rows) {
      if (entry.rows.has(at)) continue;
      entry.rows.set(at, row);
      const added = row ? ROW_BYTES : 0;
      entry.bytes += added;
      this.bytes += added;
    }
    this.evict();
  }

  /**
   * Rows an append of this process wrote, once committed: an entry current for the header before
   * the append takes the new header and rows (the rows it keeps were not touched, so stay current);
   * any other entry is replaced by one holding just the rows written (complete when they are the
   * series' first).
   */
  written(trialId: string, key: string, { before, header, rows }: SummariesWritten): void {
    const id = `${trialId}\u0000${key}`;
    let entry = this.entries.get(id);
    // A window read after the commit already brought the entry up to date.
    if (entry && sameHeader(entry.header, header)) return;
    if (entry && !(before && sameHeader(entry.header, before))) {
      this.drop(id, entry);
      entry = undefined;
    }
    // A series' first summaries: every row it has is among those written now, and later.
    if (!entry) entry = { header, rows: new Map(), bytes: 0, complete: before === undefined };
    else this.entries.delete(id);
    // Most recently used last.
    this.entries.set(id, entry);
    entry.header = header;
    for (const [at, row] of rows) {
      const added = ROW_BYTES - (entry.rows.get(at) ? ROW_BYTES : 0);
      entry.rows.set(at, row);
      entry.bytes += added;
      this.bytes += added;
    }
    this.evict();
  }

  private evict(): void {
    for (const [oldest, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.drop(oldest, e);
    }
  }

  private drop(id: string, entry: Entry): void {
    this.entries.delete(id);
    this.bytes -= entry.bytes;
  }
}

function sameHeader(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}
