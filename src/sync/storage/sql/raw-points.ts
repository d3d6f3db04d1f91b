/**
 * Raw points of series windows, read by append-index ranges: from the chunk cache where it holds
 * them, else sliced out of their chunks (whole chunks, cached, for large pieces) in statements of
 * bounded size.
 */
import type { ColumnarPoints } from '../../model.js';
import { CHUNK_POINTS } from '../schema.js';
import { CHUNK_POINT_BYTES, type ChunkCache } from './chunk-cache.js';
import type { Queryable } from './driver.js';
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

/** Raw reads of at least this many points of one chunk fetch the whole chunk into the cache. */
const WHOLE_CHUNK_POINTS = 256;

/**
 * The share of the chunk cache one read may fill with whole chunks. A read wider than that (a zoom
 * over a thousand trials) would evict its own chunks before a later read could use them, and
 * moves up to 16 times the bytes it needs: it slices instead.
 */
const WHOLE_CHUNKS_CACHE_SHARE = 0.5;

/** Points `lo…hi` (inclusive, chunk offsets) of one chunk of a trial's series. */
interface ChunkPiece {
  trialId: string;
  chunk: number;
  lo: number;
  hi: number;
}

/**
 * Reads the raw points at the given append-index ranges (inclusive; overlaps merged) and visits
 * each point once: from the chunk cache where it holds them, else in statements of bounded size
 * that slice small pieces out of their chunks and fetch (and cache) whole chunks for large ones.
 */
export async function readRawPoints(
  db: Queryable,
  key: string,
  ranges: IndexRanges,
  visit: (trialId: string, index: number, step: number, value: number, timestamp: number) => void,
  cache?: ChunkCache,
  signal?: AbortSignal,
): Promise<void> {
  const visitPiece = (p: ChunkPiece, points: ColumnarPoints, first: number) => {
    const start = p.chunk * CHUNK_POINTS;
    for (let k = p.lo; k <= p.hi; k++)
      visit(
        p.trialId,
        start + k,
        points.steps[k - first],
        points.values[k - first],
        points.timestamps[k - first],
      );
  };
  // One fetch per slice, or per whole chunk with the pieces it answers.
  const fetches: { piece: ChunkPiece; whole?: ChunkPiece[] }[] = [];
  const wholes = new Map<string, ChunkPiece[]>();
  const pieces = chunkPieces(ranges);
  const wholeCache = cache && fitsWhole(pieces, cache) ? cache : undefined;
  for (const piece of pieces) {
    const held = cache?.get(piece.trialId, key, piece.chunk, piece.hi + 1);
    if (held) visitPiece(piece, held, 0);
    else if (wholeCache && piece.hi - piece.lo + 1 >= WHOLE_CHUNK_POINTS) {
      const id = `${piece.trialId}\u0000${piece.chunk}`;
      let pieces = wholes.get(id);
      if (!pieces) {
        pieces = [];
        wholes.set(id, pieces);
        fetches.push({ piece: { ...piece, lo: 0, hi: CHUNK_POINTS - 1 }, whole: pieces });
      }
      pieces.push(piece);
    } else fetches.push({ piece });
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
        const { piece, whole } = batch[ord - 1];
        // A whole chunk may be shorter than asked (the series' last).
        const start = at;
        at += row.lens[i] / 8;
        const part = (column: Float64Array) => column.subarray(start, at);
        if (!whole) {
          visitPiece(
            piece,
            { steps: part(joined.steps), values: part(joined.values), timestamps: part(joined.timestamps) },
            piece.lo,
          );
          return;
        }
        // Copies: the cache keeps them, not the other pieces' bytes around them.
        const points = {
          steps: part(joined.steps).slice(),
          values: part(joined.values).slice(),
          timestamps: part(joined.timestamps).slice(),
        };
        cache?.keep(piece.trialId, key, piece.chunk, points);
        for (const p of whole) visitPiece(p, points, 0);
      });
    }
  }
}

/** Whether the whole chunks `pieces` would fetch fit in the cache's share for one read. */
function fitsWhole(pieces: ChunkPiece[], cache: ChunkCache): boolean {
  let chunks = 0;
  for (const p of pieces) if (p.hi - p.lo + 1 >= WHOLE_CHUNK_POINTS) chunks++;
  return chunks * CHUNK_POINTS * CHUNK_POINT_BYTES <= cache.maxBytes * WHOLE_CHUNKS_CACHE_SHARE;
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
