/**
 * Decoded metric chunks kept for repeated windows: a zoom too close for the summaries reads raw
 * points, and moving every one of them out of the database again (as hex text, in PGlite) was most
 * of such a window's time. Points are only ever appended, so the first n points of a chunk never
 * change: a chunk held with n points answers any read below n, with no invalidation, whether this
 * process or another sharing the database appends. Chunks this process writes are kept once
 * committed. Bounded by bytes, least recently used first out.
 */
import type { ColumnarPoints } from '../../model.js';

/** Bytes a cached point takes: step, value and timestamp as float64. */
export const CHUNK_POINT_BYTES = 24;

export class ChunkCache {
  private readonly chunks = new Map<string, ColumnarPoints>();
  private bytes = 0;

  constructor(readonly maxBytes = 128 * 1024 * 1024) {}

  /** Bytes of points held now. */
  get heldBytes(): number {
    return this.bytes;
  }

  /** Chunk `chunk` of a series if it is held with at least `points` points. */
  get(trialId: string, key: string, chunk: number, points: number): ColumnarPoints | undefined {
    const id = idOf(trialId, key, chunk);
    const held = this.chunks.get(id);
    if (!held || held.steps.length < points) return undefined;
    // Most recently used last.
    this.chunks.delete(id);
    this.chunks.set(id, held);
    return held;
  }

  /** Keeps a chunk just read (a shorter copy than the one held is ignored). */
  keep(trialId: string, key: string, chunk: number, points: ColumnarPoints): void {
    const id = idOf(trialId, key, chunk);
    const held = this.chunks.get(id);
    if (held && held.steps.length >= points.steps.length) return;
    if (held) this.drop(id, held);
    this.chunks.set(id, points);
    this.bytes += bytesOf(points);
    for (const [oldest, p] of this.chunks) {
      if (this.bytes <= this.maxBytes) break;
      this.drop(oldest, p);
    }
  }

  /**
   * Points this process wrote to a chunk from its point `offset` on, once committed: a new chunk
   * (offset 0) is kept; points after a held prefix of exactly `offset` points extend it.
   */
  written(trialId: string, key: string, chunk: number, offset: number, points: ColumnarPoints): void {
    if (offset === 0) {
      this.keep(trialId, key, chunk, points);
      return;
    }
    const held = this.chunks.get(idOf(trialId, key, chunk));
    if (held?.steps.length !== offset) return;
    this.keep(trialId, key, chunk, {
      steps: joined(held.steps, points.steps),
      values: joined(held.values, points.values),
      timestamps: joined(held.timestamps, points.timestamps),
    });
  }

  private drop(id: string, points: ColumnarPoints): void {
    this.chunks.delete(id);
    this.bytes -= bytesOf(points);
  }
}

function idOf(trialId: string, key: string, chunk: number): string {
  return `${trialId}\u0000${key}\u0000${chunk}`;
}

function joined(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function bytesOf(points: ColumnarPoints): number {
  return points.steps.length * CHUNK_POINT_BYTES;
}
