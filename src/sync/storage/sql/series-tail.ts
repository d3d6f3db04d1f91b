/**
 * A series' tail: its newest points, `[summarized, points)`, kept on the series row until there
 * are enough of them to go to the chunks and summaries (see `series.ts`). Readers merge it in.
 */
import type { ColumnarPoints } from '../../model.js';

/** The tail columns of a series row, as selected. */
export interface SeriesTail {
  points: number;
  summarized: number;
  tail_steps: Uint8Array;
  tail_vals: Uint8Array;
  tail_timestamps: Uint8Array;
}

/** The columns a query selects for a {@link SeriesTail} of `metric_series` aliased `m`. */
export const TAIL_COLUMNS = 'm.points, m.summarized, m.tail_steps, m.tail_vals, m.tail_timestamps';

/** No points: a series with no tail, or a flush with nothing to add to the tail. */
export const NO_POINTS: ColumnarPoints = {
  steps: new Float64Array(0),
  values: new Float64Array(0),
  timestamps: new Float64Array(0),
};

/** The tail points of a series row (append positions `summarized…`), decoded. */
export function tailPoints(row: SeriesTail): ColumnarPoints {
  const n = row.points - row.summarized;
  return {
    steps: floats(row.tail_steps, 0, n),
    values: floats(row.tail_vals, 0, n),
    timestamps: floats(row.tail_timestamps, 0, n),
  };
}

/** Floats `[lo, hi)` of a stored column; copies, as drivers may hand back unaligned buffers. */
export function floats(b: Uint8Array, lo: number, hi: number): Float64Array {
  return new Float64Array(b.buffer.slice(b.byteOffset + lo * 8, b.byteOffset + hi * 8));
}
