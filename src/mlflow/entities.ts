/**
 * The client's public shapes: camelCase, numbers for int64 fields, records for params and tags —
 * the same entities MLflow's Python client exposes. Wire details never leak past `schemas.ts`.
 */

/** Lifecycle of a run; `const` object plus type of the same name. */
export const RunStatus = {
  RUNNING: 'RUNNING',
  SCHEDULED: 'SCHEDULED',
  FINISHED: 'FINISHED',
  FAILED: 'FAILED',
  KILLED: 'KILLED',
} as const;
export type RunStatus = (typeof RunStatus)[keyof typeof RunStatus];

/** Which runs or experiments a search sees. */
export const ViewType = { ACTIVE_ONLY: 'ACTIVE_ONLY', DELETED_ONLY: 'DELETED_ONLY', ALL: 'ALL' } as const;
export type ViewType = (typeof ViewType)[keyof typeof ViewType];

/** `active` or `deleted`. */
export type LifecycleStage = 'active' | 'deleted' | (string & {});

export interface Experiment {
  experimentId: string;
  name: string;
  artifactLocation?: string;
  lifecycleStage: LifecycleStage;
  /** Milliseconds since the epoch. */
  creationTime?: number;
  lastUpdateTime?: number;
  tags: Record<string, string>;
}

/** One logged metric value. */
export interface MetricPoint {
  key: string;
  /** NaN and ±Infinity come back as numbers. */
  value: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
  step: number;
}

/** A point of `getMetricHistoryBulkInterval`, which spans several runs. */
export interface RunMetricPoint extends MetricPoint {
  runId: string;
}

export interface RunInfo {
  runId: string;
  experimentId: string;
  runName: string;
  userId: string;
  status: RunStatus;
  /** Milliseconds since the epoch. */
  startTime?: number;
  endTime?: number;
  artifactUri?: string;
  lifecycleStage: LifecycleStage;
}

export interface RunData {
  /** Latest value of each metric, by key. */
  metrics: Record<string, number>;
  /** The latest point of each metric, with its step and timestamp. */
  latestMetrics: MetricPoint[];
  params: Record<string, string>;
  tags: Record<string, string>;
}

export interface Dataset {
  name: string;
  digest: string;
  sourceType: string;
  source: string;
  schema?: string;
  profile?: string;
}

export interface DatasetInput {
  dataset: Dataset;
  tags: Record<string, string>;
}

export interface RunInputs {
  datasetInputs: DatasetInput[];
}

export interface Run {
  info: RunInfo;
  data: RunData;
  inputs: RunInputs;
}

export interface FileInfo {
  path: string;
  isDir: boolean;
  /** Bytes; absent for directories. */
  fileSize?: number;
}
