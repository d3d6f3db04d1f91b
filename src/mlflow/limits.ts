/**
 * MLflow's server-side limits (mlflow/utils/validation.py). The client checks them before sending,
 * so a bad key fails fast with its name instead of as a 400 in the middle of a batch.
 */

/** Limits of one `runs/log-batch` request. */
export const BATCH_LIMITS = {
  metrics: 1000,
  params: 100,
  tags: 100,
  /** Metrics, params and tags together. */
  entities: 1000,
  /** Bytes of the JSON body. */
  bodyBytes: 1_000_000,
} as const;

/** Length limits of keys and values, in characters. */
export const LENGTH_LIMITS = {
  key: 250,
  paramValue: 6000,
  tagValue: 8000,
  experimentName: 500,
  experimentTagValue: 20_000,
} as const;

/** Largest page MLflow serves from `runs/search`. */
export const MAX_RUNS_PER_PAGE = 50_000;
/** Largest page MLflow serves from `experiments/search`. */
export const MAX_EXPERIMENTS_PER_PAGE = 50_000;
/** Default page size of `metrics/get-history` when paging. */
export const METRIC_HISTORY_PAGE = 25_000;
/** `metrics/get-history-bulk-interval`: at most this many runs and points per run. */
export const BULK_INTERVAL_LIMITS = { runs: 100, pointsPerRun: 2500 } as const;
/** Page size of searches when none is given; MLflow's Python client uses the same. */
export const DEFAULT_SEARCH_PAGE = 1000;
