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

/** Registration state of a model version. */
export const ModelVersionStatus = {
  PENDING_REGISTRATION: 'PENDING_REGISTRATION',
  FAILED_REGISTRATION: 'FAILED_REGISTRATION',
  READY: 'READY',
} as const;
export type ModelVersionStatus = (typeof ModelVersionStatus)[keyof typeof ModelVersionStatus];

/**
 * One version of a registered model.
 *
 * `version` is a string, as on the wire and in MLflow's own entities: it is an identifier, not a
 * quantity. Strings keep it byte-identical through aliases (`{ champion: '3' }`), `models:/name/3`
 * URIs and registries whose versions are not small integers. Methods that take a version also accept
 * a number, as MLflow's Python client does.
 */
export interface ModelVersion {
  name: string;
  version: string;
  /** Milliseconds since the epoch. */
  creationTimestamp?: number;
  lastUpdatedTimestamp?: number;
  userId?: string;
  /** Deprecated by MLflow with stages: `None`, `Staging`, `Production` or `Archived`. */
  currentStage?: string;
  description?: string;
  /** Where the model's files are, e.g. `models:/m-…` or `runs:/<runId>/model`. */
  source?: string;
  runId?: string;
  status?: ModelVersionStatus;
  statusMessage?: string;
  tags: Record<string, string>;
  runLink?: string;
  /** The aliases pointing at this version. */
  aliases: string[];
  /** The MLflow 3 logged model this version was registered from. */
  modelId?: string;
}

/** A model in the registry. */
export interface RegisteredModel {
  name: string;
  /** Milliseconds since the epoch. */
  creationTimestamp?: number;
  lastUpdatedTimestamp?: number;
  userId?: string;
  description?: string;
  /** The newest version per stage (MLflow fills this in `get`, not in every search). */
  latestVersions: ModelVersion[];
  tags: Record<string, string>;
  /** Alias → version, as MLflow's Python client has it. */
  aliases: Record<string, string>;
}

/** Lifecycle of a logged model, named as in MLflow's Python client. */
export const LoggedModelStatus = {
  UNSPECIFIED: 'UNSPECIFIED',
  PENDING: 'PENDING',
  READY: 'READY',
  FAILED: 'FAILED',
} as const;
export type LoggedModelStatus = (typeof LoggedModelStatus)[keyof typeof LoggedModelStatus];

/** An MLflow 3 logged model: a model with its own id, params, tags and artifacts, flat as in Python. */
export interface LoggedModel {
  modelId: string;
  experimentId: string;
  name: string;
  /** Where its files go, e.g. `mlflow-artifacts:/1/models/m-…/artifacts`. */
  artifactLocation?: string;
  /** Milliseconds since the epoch. */
  creationTimestamp?: number;
  lastUpdatedTimestamp?: number;
  status: LoggedModelStatus;
  statusMessage?: string;
  modelType?: string;
  sourceRunId?: string;
  tags: Record<string, string>;
  params: Record<string, string>;
  metrics: MetricPoint[];
}
