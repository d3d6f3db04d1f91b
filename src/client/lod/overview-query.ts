/**
 * The x range and column count of an overview request, aligned so storage answers it from its
 * bucket summaries alone: the range starts at a multiple of 16 and each column is a multiple of 16
 * units wide. Columns come out close to the plot's width in device pixels.
 */

/** Alignment of overview ranges and column widths, in x units. */
export const OVERVIEW_ALIGNMENT = 16;

export interface OverviewRange {
  readonly from: number;
  readonly to: number;
  readonly columns: number;
}

/**
 * The aligned overview of x in `[min, max]` at `pixels` device pixels. A range too short to need
 * reducing (under 16 units a pixel) is asked as it is, one column a pixel: its answer is raw.
 */
export function overviewRange(min: number, max: number, pixels: number): OverviewRange {
  const a = OVERVIEW_ALIGNMENT;
  const columns = Math.max(1, Math.floor(pixels));
  if (!(max > min)) return { from: min, to: max, columns: 1 };
  if (max - min < a * columns) return { from: min, to: max, columns };
  const from = Math.floor(min / a) * a;
  const width = Math.ceil((max - from) / columns / a) * a;
  // `to` is inclusive: one column more when max sits on the last boundary.
  const count = Math.floor((max - from) / width) + 1;
  return { from, to: from + count * width, columns: count };
}
