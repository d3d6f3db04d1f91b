/**
 * The x range and column count of an overview or zoom request, aligned so storage answers it from a few
 * of its bucket summaries per column: storage keeps buckets 16, 32, 64, 256, … (16·4^k, and 32)
 * units wide, each aligned to its width, so a column that starts on a multiple of such a width and
 * is one or two of them wide is that many whole buckets: no raw point, and no finer bucket, is read.
 * A column is the narrowest power of two of units that covers a pixel's share (16 at least): one
 * or two buckets, one to two pixels wide, so columns come out between half the plot's width in
 * device pixels and all of it. Columns of three buckets (48, 192, … units), as this asked before,
 * are a little narrower for three times the rows read: at 1,000 trials, a zoom of 38 units a pixel
 * took the server 5.2 s in 48-unit columns, 1.3 s in 64-unit ones. Under 8 units a pixel the range
 * is asked as it is: between 8 and 16, one 16-unit bucket a column halves the columns, but an
 * unaligned column would read every raw point of the range (at 1,000 trials, 12.5M points: seconds).
 */

/** The narrowest bucket storage keeps, in x units; bucket widths grow by {@link OVERVIEW_LEVEL_RATIO}. */
export const OVERVIEW_ALIGNMENT = 16;
/** Each coarser level of storage's buckets is this many times wider. */
export const OVERVIEW_LEVEL_RATIO = 4;

export interface OverviewRange {
  /** Undefined past the protocol's safe integers (steps from 2^53, as `time.time_ns()` gives): the server's extent. */
  readonly from?: number;
  readonly to?: number;
  readonly columns: number;
}

/**
 * The range as it is; aligned columns past the safe integers (steps near 2^53) would be refused, and
 * so would bounds past them: then none, and the server answers its own extent.
 */
function unaligned(from: number, to: number, columns: number): OverviewRange {
  return Math.max(-from, to) > Number.MAX_SAFE_INTEGER ? { columns } : { from, to, columns };
}

/**
 * The aligned overview of x in `[min, max]` at `pixels` device pixels. A range too short to need
 * reducing (under 8 units a pixel) is asked as it is, one column a pixel: its answer is raw.
 */
export function overviewRange(min: number, max: number, pixels: number): OverviewRange {
  const columns = Math.max(1, Math.floor(pixels));
  if (!(max > min)) return unaligned(min, max, 1);
  const perColumn = (max - min) / columns;
  if (perColumn < OVERVIEW_ALIGNMENT / 2) return unaligned(min, max, columns);
  // A pixel's share of the range from the finest grid on, rounded up to a power of two.
  const share = (max - Math.floor(min / OVERVIEW_ALIGNMENT) * OVERVIEW_ALIGNMENT) / columns;
  const width = Math.max(OVERVIEW_ALIGNMENT, 2 ** Math.ceil(Math.log2(share)));
  // Start on the grid of the widest stored bucket the column is a multiple of: it is read as one
  // or two of them.
  const grid = storedBucketDividing(width);
  const from = Math.floor(min / grid) * grid;
  const count = Math.floor((max - from) / width) + 1;
  const to = lastStep(from, count, width);
  if (Math.max(-from, to) > Number.MAX_SAFE_INTEGER) return unaligned(min, max, columns);
  return { from, to, columns: count };
}

/** The widest bucket storage keeps (16 units, 32, and each fourfold of 16) that `width` is a multiple of. */
function storedBucketDividing(width: number): number {
  let bucket = OVERVIEW_ALIGNMENT;
  while (width % (bucket * OVERVIEW_LEVEL_RATIO) === 0) bucket *= OVERVIEW_LEVEL_RATIO;
  return bucket === OVERVIEW_ALIGNMENT && width % (2 * bucket) === 0 ? 2 * bucket : bucket;
}

/**
 * The inclusive end of `count` columns `width` wide from `from`: the last step before the next
 * column would start, so column j holds exactly the steps [from + j·width, from + (j+1)·width)
 * (steps are whole numbers) and no bucket past the last is touched.
 */
function lastStep(from: number, count: number, width: number): number {
  return from + count * width - 1;
}
