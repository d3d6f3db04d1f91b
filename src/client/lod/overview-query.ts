/**
 * The x range and column count of an overview or zoom request, aligned so storage answers it from a few
 * of its bucket summaries per column: storage keeps buckets 16, 64, 256, … (16·4^k) units wide,
 * each aligned to its width, so a column that starts on a multiple of such a width and is a small
 * multiple of it (1 to 3; 4 is one bucket of the next level) is that many whole buckets: no raw
 * point, and no finer bucket, is read. Columns come out between half the plot's width in device
 * pixels and all of it — also between 8 and 16 units a pixel, where one 16-unit bucket a column
 * halves the columns but an unaligned column would read every raw point of the range (at 1,000
 * trials, 12.5M points: seconds).
 */

/** The narrowest bucket storage keeps, in x units; bucket widths grow by {@link OVERVIEW_LEVEL_RATIO}. */
export const OVERVIEW_ALIGNMENT = 16;
/** Each coarser level of storage's buckets is this many times wider. */
export const OVERVIEW_LEVEL_RATIO = 4;

export interface OverviewRange {
  readonly from: number;
  readonly to: number;
  readonly columns: number;
}

/**
 * The aligned overview of x in `[min, max]` at `pixels` device pixels. A range too short to need
 * reducing (under 8 units a pixel) is asked as it is, one column a pixel: its answer is raw.
 */
export function overviewRange(min: number, max: number, pixels: number): OverviewRange {
  const columns = Math.max(1, Math.floor(pixels));
  if (!(max > min)) return { from: min, to: max, columns: 1 };
  const perColumn = (max - min) / columns;
  if (perColumn < OVERVIEW_ALIGNMENT / 2) return { from: min, to: max, columns };
  // The widest bucket no wider than a pixel's share, and the fewest of them that cover that share.
  const bucket = widestBucket(perColumn);
  const width = Math.ceil((max - Math.floor(min / bucket) * bucket) / columns / bucket) * bucket;
  // Four buckets are one of the next level: start on that level's grid, so it is read as one.
  const grid = width % (bucket * OVERVIEW_LEVEL_RATIO) === 0 ? width : bucket;
  const from = Math.floor(min / grid) * grid;
  const count = Math.floor((max - from) / width) + 1;
  return { from, to: lastStep(from, count, width), columns: count };
}

/** The widest bucket storage keeps that is no wider than `perColumn` (at least 16) units. */
function widestBucket(perColumn: number): number {
  let bucket = OVERVIEW_ALIGNMENT;
  while (bucket * OVERVIEW_LEVEL_RATIO <= perColumn) bucket *= OVERVIEW_LEVEL_RATIO;
  return bucket;
}

/**
 * The inclusive end of `count` columns `width` wide from `from`: the last step before the next
 * column would start, so column j holds exactly the steps [from + j·width, from + (j+1)·width)
 * (steps are whole numbers) and no bucket past the last is touched.
 */
function lastStep(from: number, count: number, width: number): number {
  return from + count * width - 1;
}
