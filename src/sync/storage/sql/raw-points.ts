/**
 * Raw points of series windows, read by append-index ranges: from the chunk cache where it holds
 * them, else sliced out of their chunks (long pieces kept in the cache) in statements of bounded
 * size.
 */
import type { ColumnarPoints } from '../../model.js';
import { CHUNK_POINTS } from '../schema.js';
import { CHUNK_POINT_BYTES, type ChunkCache, covers, type HeldRange } from './chunk-cache.js';
import type { Queryable } from './driver.js';
import { concatPoints } from './series.js';
import { float64s } from './summaries.js';

/** Append-index ranges of raw points to read, per trial. */
export type IndexRanges = Map<string, [number, number][]>;

/** Raw points one statement reads at most (~6 MB; see {@link otherWorkFirst}). */
const RAW_POINTS_PER_STATEMENT = 262_144;

/**
 * Lets the process's other work (requests, writes) run between two statements of a long read:
 * PGlite answers a statement at once, holding its process — the server's event loop, other
 * requests, writes — until it is done. Throws once `signal` is aborted.
 */
export async function otherWorkFirst(signal?: AbortSignal): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  signal?.throwIfAborted();
}

/** Pieces of a chunk at least this long are kept in the cache (shorter ones are column edges). */
const CACHED_PIECE_POINTS = 256;

/**
 * The share of the chunk cache one read may fill. A read wider than that (a zoom over a thousand
 * trials) would evict its own points before a later read could use them: it keeps none.
 */
const CACHE_SHARE = 0.5;

/** Points `lo…hi` (inclusive, chunk offsets) of one chunk of a trial's series. */
interface ChunkPiece {
  trialId: string;
  chunk: number;
  lo: number;
  hi: number;
}

/** A piece to read: visited as it arrives, or copied out to join a range kept in the cache. */
interface Fetch {
  piece: ChunkPiece;
  visit?: boolean;
  points?: ColumnarPoints;
}

/**
 * Reads the raw points at the given append-index ranges (inclusive; overlaps merged) and visits
 * each point once: from the chunk cache where it holds them, else in statements of bounded size
 * that slice the pieces out of their chunks. Long pieces are kept in the cache, joined to the range
 * it holds of their chunk, and only what that range lacks is read: a pan or a zoom nearby reads
 * just its new points.
 */
export async function readRawPoints(
  db: Queryable,
  key: string,
  ranges: IndexRanges,
  visit: (trialId: string, index: number, step: number, value: number, timestamp: number) => void,
  cache?: ChunkCache,
  signal?: AbortSignal,
): Promise<void> {
  const visitPiece = (p: ChunkPiece, range: HeldRange) => {
    const start = p.chunk * CHUNK_POINTS;
    const { steps, values, timestamps } = range.points;
    for (let k = p.lo; k <= p.hi; k++) {
      const i = k - range.from;
      visit(p.trialId, start + k, steps[i], values[i], timestamps[i]);
    }
  };
  const pieces = chunkPieces(ranges);
  const keeping = cache && fitsShare(pieces, cache) ? cache : undefined;
  const fetches: Fetch[] = [];
  const kept: { piece: ChunkPiece; held?: HeldRange; left?: Fetch; right?: Fetch }[] = [];
  for (const piece of pieces) {
    const held = cache?.get(piece.trialId, key, piece.chunk);
    if (held && covers(held, piece.lo, piece.hi)) visitPiece(piece, held);
    else if (keeping && piece.hi - piece.lo + 1 >= CACHED_PIECE_POINTS) {
      const end = held && held.from + held.points.steps.length;
      // A held range that overlaps or touches the piece is joined; the piece's rest is read.
      if (held && end !== undefined && held.from <= piece.hi + 1 && piece.lo <= end) {
        const left = piece.lo < held.from ? { piece: { ...piece, hi: held.from - 1 } } : undefined;
        const right = piece.hi >= end ? { piece: { ...piece, lo: end } } : undefined;
        for (const gap of [left, right]) if (gap) fetches.push(gap);
        kept.push({ piece, held, left, right });
      } else {
        // Read alone: the range it starts replaces the one held.
        const read: Fetch = { piece };
        fetches.push(read);
        kept.push({ piece, left: read });
      }
    } else fetches.push({ piece, visit: true });
  }
  // In statements of about RAW_POINTS_PER_STATEMENT points.
  for (let first = 0; first < fetches.length; ) {
    if (first > 0) await otherWorkFirst(signal);
    let end = first;
    for (let points = 0; end < fetches.length && (end === first || points < RAW_POINTS_PER_STATEMENT); end++)
      points += fetches[end].piece.hi - fetches[end].piece.lo + 1;
    const batch = fetches.slice(first, end);
    first = end;
    for (const row of await readPieces(db, key, batch)) {
      const joined = {
        steps: float64s(row.steps),
        values: float64s(row.vals),
        timestamps: float64s(row.timestamps),
      };
      let at = 0;
      row.ords.forEach((ord, i) => {
        const fetch = batch[ord - 1];
        const start = at;
        at += row.lens[i] / 8;
        const part = (column: Float64Array) => column.subarray(start, at);
        const points = {
          steps: part(joined.steps),
          values: part(joined.values),
          timestamps: part(joined.timestamps),
        };
        if (fetch.visit) visitPiece(fetch.piece, { from: fetch.piece.lo, points });
        // Copies: the cache keeps them, not the other pieces' bytes around them.
        else fetch.points = concatPoints([points]);
      });
    }
  }
  for (const { piece, held, left, right } of kept) {
    const parts = [left?.points, held?.points, right?.points].filter((p) => p !== undefined);
    const range = { from: left?.piece.lo ?? (held as HeldRange).from, points: concatPoints(parts) };
    keeping?.keep(piece.trialId, key, piece.chunk, range);
    visitPiece(piece, range);
  }
}

/** Whether the long pieces fit in the cache's share for one read. */
function fitsShare(pieces: ChunkPiece[], cache: ChunkCache): boolean {
  let points = 0;
  for (const p of pieces) if (p.hi - p.lo + 1 >= CACHED_PIECE_POINTS) points += p.hi - p.lo + 1;
  return points * CHUNK_POINT_BYTES <= cache.maxBytes * CACHE_SHARE;
}

/**
 * The pieces' points, one row per chunk with its pieces' bytes joined in their order (`ords`: their
 * 1-based positions in `pieces`; `lens`: their byte lengths): a zoom's column edges are hundreds
 * of 16-point pieces per series, and a row each cost more than their bytes.
 */
async function readPieces(db: Queryable, key: string, pieces: { piece: ChunkPiece }[]) {
  const { rows } = await db.query<{
    ords: number[];
    lens: number[];
    steps: Uint8Array;
    vals: Uint8Array;
    timestamps: Uint8Array;
  }>(
    `SELECT array_agg(r.ord::int ORDER BY r.ord) AS ords,
       array_agg(least(r.len, octet_length(c.steps) - r.off + 1) ORDER BY r.ord) AS lens,
       string_agg(substring(c.steps FROM r.off FOR r.len), ''::bytea ORDER BY r.ord) AS steps,
       string_agg(substring(c.vals FROM r.off FOR r.len), ''::bytea ORDER BY r.ord) AS vals,
       string_agg(substring(c.timestamps FROM r.off FOR r.len), ''::bytea ORDER BY r.ord) AS timestamps
     FROM unnest($2::text[], $3::int[], $4::int[], $5::int[]) WITH ORDINALITY AS r(trial_id, chunk, off, len, ord)
     JOIN metric_chunk c ON c.trial_id = r.trial_id AND c.key = $1 AND c.chunk = r.chunk
     GROUP BY r.trial_id, r.chunk`,
    [
      key,
      pieces.map((f) => f.piece.trialId),
      pieces.map((f) => f.piece.chunk),
      pieces.map((f) => f.piece.lo * 8 + 1),
      pieces.map((f) => (f.piece.hi - f.piece.lo + 1) * 8),
    ],
  );
  return rows;
}

/** The merged ranges cut at chunk boundaries. */
function chunkPieces(ranges: IndexRanges): ChunkPiece[] {
  const pieces: ChunkPiece[] = [];
  for (const [trialId, list] of ranges) {
    for (const [lo, hi] of merged(list)) {
      for (let i = lo; i <= hi; ) {
        const chunk = Math.floor(i / CHUNK_POINTS);
        const end = Math.min(hi, (chunk + 1) * CHUNK_POINTS - 1);
        pieces.push({ trialId, chunk, lo: i - chunk * CHUNK_POINTS, hi: end - chunk * CHUNK_POINTS });
        i = end + 1;
      }
    }
  }
  return pieces;
}

/** Inclusive ranges sorted and merged where they overlap or touch. */
export function merged(list: [number, number][]): [number, number][] {
  const sorted = [...list].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}
