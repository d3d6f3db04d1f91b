/**
 * Keeps each series' `metrics.append` events contiguous and in order within one engine, when points
 * come both from this process and, through PostgreSQL's LISTEN/NOTIFY, from others: an engine
 * tells its subscribers about points `[0, emitted)` of a series, and only ever extends that range.
 * Snapshots stop at `emitted` too, so a snapshot and the events after it never overlap.
 */
import type { Emit } from './event-hub.js';
import type { ColumnarPoints } from './model.js';
import type { StorageOps } from './storage.js';

/** What a write tells other processes (a few bytes: they read the data from the shared store). */
export type ChangeNotice =
  | { origin: string; kind: 'study' | 'trial' | 'sync'; id: string }
  | { origin: string; kind: 'metrics'; id: string; key: string; from: number; to: number };

/** Reads a notice sent by {@link ChangeNotice}'s writer; undefined for anything else. */
export function parseNotice(payload: string): ChangeNotice | undefined {
  try {
    const notice = JSON.parse(payload) as ChangeNotice;
    return typeof notice?.origin === 'string' && typeof notice.id === 'string' ? notice : undefined;
  } catch {
    return undefined;
  }
}

const seriesId = (trialId: string, key: string) => `${trialId}\u0000${key}`;

export class SeriesFeed {
  private readonly emitted = new Map<string, number>();
  /** Advances of the write under way; applied by `commit()` once its transaction committed. */
  private readonly staged = new Map<string, number>();

  /**
   * Emits points `[from, to)` of a series that `tx` holds, starting earlier if points before
   * `from` were never emitted (another process appended them and its notice is still on the way).
   * `known` are the points themselves when the caller has them (its own append).
   */
  async extend(
    tx: StorageOps,
    emit: Emit,
    trialId: string,
    key: string,
    from: number,
    to: number,
    known?: ColumnarPoints,
  ) {
    const id = seriesId(trialId, key);
    const start = this.staged.get(id) ?? this.emitted.get(id) ?? from;
    if (to <= start) return;
    // The common case: our own append, right after what was emitted. Otherwise read what subscribers lack.
    if (known && start === from) emitBatch(emit, trialId, key, known);
    else emitBatch(emit, trialId, key, await tx.readSeries(trialId, key, start, to));
    this.staged.set(id, to);
  }

  /** The write committed: its events go out, so its advances hold. */
  commit(): void {
    for (const [id, to] of this.staged) this.emitted.set(id, to);
    this.staged.clear();
  }

  /** The write rolled back: nothing was emitted. */
  discard(): void {
    this.staged.clear();
  }

  /** Whether this engine told its subscribers of any of a series' points (or took a snapshot that had them). */
  knows(trialId: string, key: string): boolean {
    return this.emitted.has(seriesId(trialId, key));
  }

  /** How many points of a series a snapshot may include: what subscribers were told, or all when this engine never spoke of it. */
  snapshotLength(trialId: string, key: string, stored: number): number {
    const id = seriesId(trialId, key);
    const emitted = this.emitted.get(id);
    if (emitted !== undefined) return Math.min(emitted, stored);
    this.emitted.set(id, stored);
    return stored;
  }
}

function emitBatch(emit: Emit, trialId: string, key: string, p: ColumnarPoints): void {
  if (p.steps.length === 0) return;
  emit({
    type: 'metrics.append',
    batches: [
      {
        trialId,
        key,
        steps: Array.from(p.steps),
        values: Array.from(p.values),
        timestamps: Array.from(p.timestamps),
      },
    ],
  });
}

/** What a write gets: its transaction, and the ways to publish what it changed. */
export interface WriteScope {
  tx: StorageOps;
  /** Emits a study, trial or sync-state event, and tells other processes about it. */
  emit: Emit;
  /** Emits points `[from, to)` of a series (`known`: the points, when the caller has them). */
  points(trialId: string, key: string, from: number, to: number, known?: ColumnarPoints): Promise<void>;
}

/** Runs `fn` in one transaction, its events delivered after it committed, one write at a time. */
export type Write = <T>(fn: (scope: WriteScope) => Promise<T>) => Promise<T>;
