/**
 * The axes a window can be asked on and the bounds beyond which a request is refused as absurd. A
 * module of its own, free of the schemas, so a chart or a reader of windows does not load the
 * validators up front.
 */
export const SERIES_WINDOW_LIMITS = { maxColumns: 8192, maxTrials: 10_000 } as const;

/** The x axes a window can be asked on; `relative` is milliseconds since the trial's start. */
export const SeriesWindowX = { Step: 'step', Time: 'time', Relative: 'relative' } as const;
export type SeriesWindowX = (typeof SeriesWindowX)[keyof typeof SeriesWindowX];
