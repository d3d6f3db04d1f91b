/**
 * What grouped curves can show, and the shape of one group's curve: kept apart from the grouping
 * code, which loads only when a chart groups its trials.
 */
import type { SeriesView } from './series-view.js';

/** The line through a group: `mean` or `median` of its trials' column means. */
export type GroupStat = 'mean' | 'median';
/** The band around it: the trials' `minmax`, `std` (± one standard deviation) or `none`. */
export type GroupBand = 'minmax' | 'std' | 'none';
export const GROUP_STATS: readonly GroupStat[] = ['mean', 'median'];
export const GROUP_BANDS: readonly GroupBand[] = ['minmax', 'std', 'none'];
export const isGroupStat = (value: unknown): value is GroupStat => GROUP_STATS.includes(value as GroupStat);
export const isGroupBand = (value: unknown): value is GroupBand => GROUP_BANDS.includes(value as GroupBand);

/** One group's curve over the plot's pixel columns (NaN where none of its trials has a point). */
export interface GroupCurve {
  /** The value the trials share, as text (`NO_VALUE` for those without it). */
  readonly value: string;
  readonly color: string;
  readonly views: readonly SeriesView[];
  readonly line: Float64Array;
  readonly low: Float64Array;
  readonly high: Float64Array;
  /** Trials with a value in each column (a point, or a line between two). */
  readonly count: Uint16Array;
}
