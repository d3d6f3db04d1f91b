/**
 * Decoded metric points kept for repeated windows: a zoom too close for the summaries reads raw
 * points, and moving every one of them out of the database again (as hex text, in PGlite) was most
 * of such a window's time. Points are only ever appended, so points `from…from+n-1` of a chunk
 * never change once stored: a range held answers any read inside it, with no invalidation, whether
 * this process or another sharing the database appends. One range per chunk (a read next to it
 * joins it); points this process writes are kept once committed. Bounded by bytes, least recently
 * used first out.
 */
import type { ColumnarPoints } from '../../model.js';
import { concatPoints } from './series.js';

/** Bytes a cached point takes: step, value and timestamp as float64. */
export const CHUNK_POINT_BYTES = 24;

/** Points of a chunk from its point `from` on. */
export interface HeldRange {
  readonly from: number;
  readonly points: ColumnarPoints;
}

export class ChunkCache {
  private readonly chunks = new Map<string, HeldRange>();
  private bytes = 0;

  constructor(readonly maxBytes = 128 * 1024 * 1024) {}

  /** Bytes of points held now. */
  get heldBytes(): number {
    return this.bytes;
  }

  /** The range held of chunk `chunk` of a series, if any (now the most recently used). */
  get(trialId: string, key: string, chunk: number): HeldRange | undefined {
    const id = idOf(trialId, key, chunk);
    const held = this.chunks.get(id);
    if (!held) return undefined;
    this.chunks.delete(id);
    this.chunks.set(id, held);
    return held;
  }

  /** Keeps a range just read or joined, in place of the one held (a range inside that one is ignored). */
  keep(trialId: string, key: string, chunk: number, range: HeldRange): void {
    const id = idOf(trialId, key, chunk);
    const held = this.chunks.get(id);
    if (held && covers(held, range.from, range.from + range.points.steps.length - 1)) return;
    if (held) this.drop(id, held.points);
    this.chunks.set(id, range);
    this.bytes += bytesOf(range.points);
    for (const [oldest, r] of this.chunks) {
      if (this.bytes <= this.maxBytes) break;
      this.drop(oldest, r.points);
    }
  }

  /**
   * Points this process wrote to a chunk from its point `offset` on, once committed: a new chunk
   * (offset 0) is kept; points right after a held range extend it.
   */
  written(trialId: string, key: string, chunk: number, offset: number, points: ColumnarPoints): void {
    if (offset === 0) {
      this.keep(trialId, key, chunk, { from: 0, points });
      return;
    }
    const held = this.chunks.get(idOf(trialId, key, chunk));
    if (!held || held.from + held.points.steps.length !== offset) return;
    this.keep(trialId, key, chunk, { from: held.from, points: concatPoints([held.points, points]) });
  }

  private drop(id: string, points: ColumnarPoints): void {
    this.chunks.delete(id);
    this.bytes -= bytesOf(points);
  }
}

/** Whether `range` holds points `lo…hi` of its chunk. */
export function covers(range: HeldRange, lo: number, hi: number): boolean {
  return range.from <= lo && hi < range.from + range.points.steps.length;
}

function idOf(trialId: string, key: string, chunk: number): string {
  return `${trialId}\u0000${key}\u0000${chunk}`;
}

function bytesOf(points: ColumnarPoints): number {
  return points.steps.length * CHUNK_POINT_BYTES;
}
