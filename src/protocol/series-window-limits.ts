/**
 * Bounds beyond which a window request is refused as absurd. A module of its own, free of the
 * schemas, so a chart can size its requests without loading the validators up front.
 */
export const SERIES_WINDOW_LIMITS = { maxColumns: 8192, maxTrials: 10_000 } as const;
