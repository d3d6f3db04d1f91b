/**
 * zod schemas for MLflow's wire format, each transforming into the entities of `entities.ts`.
 * The wire's snake_case, int64-as-string, NaN-as-string and omitted empty fields end here.
 */
import * as z from 'zod';
import type {
  Dataset,
  DatasetInput,
  Experiment,
  FileInfo,
  LoggedModel,
  LoggedModelStatus,
  MetricPoint,
  ModelVersion,
  ModelVersionStatus,
  RegisteredModel,
  Run,
  RunInfo,
  RunMetricPoint,
  RunStatus,
} from './entities.js';

/** int64 fields arrive as numbers or decimal strings; both become numbers. */
export const int64 = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/, 'expected an integer')
    .transform((s) => Number(s)),
]);

/**
 * MLflow's SQL store keeps ±Infinity as ±Number.MAX_VALUE and returns it so; a metric of exactly
 * ±MAX_VALUE is otherwise meaningless, so both read back as ±Infinity.
 */
function fromWireDouble(value: number | string): number {
  if (typeof value === 'string')
    return value === 'NaN' ? Number.NaN : value === '-Infinity' ? -Infinity : Infinity;
  if (value === Number.MAX_VALUE) return Infinity;
  if (value === -Number.MAX_VALUE) return -Infinity;
  return value;
}

export const double = z
  .union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])])
  .transform(fromWireDouble);

const keyValues = z
  .array(z.object({ key: z.string(), value: z.string().optional() }))
  .optional()
  .transform((list) => Object.fromEntries((list ?? []).map(({ key, value }) => [key, value ?? ''])));

export const experiment = z
  .object({
    experiment_id: z.string(),
    name: z.string(),
    artifact_location: z.string().optional(),
    lifecycle_stage: z.string(),
    creation_time: int64.optional(),
    last_update_time: int64.optional(),
    tags: keyValues,
  })
  .transform(
    (e): Experiment => ({
      experimentId: e.experiment_id,
      name: e.name,
      artifactLocation: e.artifact_location,
      lifecycleStage: e.lifecycle_stage,
      creationTime: e.creation_time,
      lastUpdateTime: e.last_update_time,
      tags: e.tags,
    }),
  );

export const metric = z
  .object({ key: z.string(), value: double, timestamp: int64.default(0), step: int64.default(0) })
  .transform((m): MetricPoint => ({ key: m.key, value: m.value, timestamp: m.timestamp, step: m.step }));

export const runMetric = z
  .object({
    key: z.string(),
    value: double,
    timestamp: int64.default(0),
    step: int64.default(0),
    run_id: z.string(),
  })
  .transform(
    (m): RunMetricPoint => ({
      key: m.key,
      value: m.value,
      timestamp: m.timestamp,
      step: m.step,
      runId: m.run_id,
    }),
  );

const runInfo = z
  .object({
    run_id: z.string().optional(),
    run_uuid: z.string().optional(),
    experiment_id: z.string(),
    run_name: z.string().default(''),
    user_id: z.string().default(''),
    status: z.enum(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']),
    start_time: int64.optional(),
    end_time: int64.optional(),
    artifact_uri: z.string().optional(),
    lifecycle_stage: z.string().default('active'),
  })
  .refine((i) => i.run_id ?? i.run_uuid, { message: 'run_id is missing', path: ['run_id'] })
  .transform(
    (i): RunInfo => ({
      runId: (i.run_id ?? i.run_uuid) as string,
      experimentId: i.experiment_id,
      runName: i.run_name,
      userId: i.user_id,
      status: i.status as RunStatus,
      startTime: i.start_time,
      endTime: i.end_time,
      artifactUri: i.artifact_uri,
      lifecycleStage: i.lifecycle_stage,
    }),
  );

const dataset = z
  .object({
    name: z.string(),
    digest: z.string(),
    source_type: z.string(),
    source: z.string(),
    schema: z.string().optional(),
    profile: z.string().optional(),
  })
  .transform(
    (d): Dataset => ({
      name: d.name,
      digest: d.digest,
      sourceType: d.source_type,
      source: d.source,
      schema: d.schema,
      profile: d.profile,
    }),
  );

const datasetInput = z
  .object({ dataset, tags: keyValues })
  .transform((d): DatasetInput => ({ dataset: d.dataset, tags: d.tags }));

export const run = z
  .object({
    info: runInfo,
    data: z
      .object({ metrics: z.array(metric).optional(), params: keyValues, tags: keyValues })
      .optional()
      .transform((d) => d ?? { metrics: undefined, params: {}, tags: {} }),
    inputs: z.object({ dataset_inputs: z.array(datasetInput).optional() }).optional(),
  })
  .transform(
    (r): Run => ({
      info: r.info,
      data: {
        metrics: Object.fromEntries((r.data.metrics ?? []).map((m) => [m.key, m.value])),
        latestMetrics: r.data.metrics ?? [],
        params: r.data.params,
        tags: r.data.tags,
      },
      inputs: { datasetInputs: r.inputs?.dataset_inputs ?? [] },
    }),
  );

export const fileInfo = z
  .object({ path: z.string(), is_dir: z.boolean().default(false), file_size: int64.optional() })
  .transform((f): FileInfo => ({ path: f.path, isDir: f.is_dir, fileSize: f.file_size }));

export const modelVersion = z
  .object({
    name: z.string(),
    version: z.string(),
    creation_timestamp: int64.optional(),
    last_updated_timestamp: int64.optional(),
    user_id: z.string().optional(),
    current_stage: z.string().optional(),
    description: z.string().optional(),
    source: z.string().optional(),
    run_id: z.string().optional(),
    status: z.enum(['PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY']).optional(),
    status_message: z.string().optional(),
    tags: keyValues,
    run_link: z.string().optional(),
    aliases: z.array(z.string()).default([]),
    model_id: z.string().optional(),
  })
  .transform(
    (v): ModelVersion => ({
      name: v.name,
      version: v.version,
      creationTimestamp: v.creation_timestamp,
      lastUpdatedTimestamp: v.last_updated_timestamp,
      userId: v.user_id,
      currentStage: v.current_stage,
      description: v.description,
      source: v.source,
      runId: v.run_id,
      status: v.status as ModelVersionStatus | undefined,
      statusMessage: v.status_message,
      tags: v.tags,
      runLink: v.run_link,
      aliases: v.aliases,
      modelId: v.model_id,
    }),
  );

export const registeredModel = z
  .object({
    name: z.string(),
    creation_timestamp: int64.optional(),
    last_updated_timestamp: int64.optional(),
    user_id: z.string().optional(),
    description: z.string().optional(),
    latest_versions: z.array(modelVersion).default([]),
    tags: keyValues,
    aliases: z.array(z.object({ alias: z.string(), version: z.string() })).default([]),
  })
  .transform(
    (m): RegisteredModel => ({
      name: m.name,
      creationTimestamp: m.creation_timestamp,
      lastUpdatedTimestamp: m.last_updated_timestamp,
      userId: m.user_id,
      description: m.description,
      latestVersions: m.latest_versions,
      tags: m.tags,
      aliases: Object.fromEntries(m.aliases.map(({ alias, version }) => [alias, version])),
    }),
  );

/** The wire's `LOGGED_MODEL_*` enum names, by the Python client's status names. */
export const LOGGED_MODEL_WIRE_STATUS = {
  UNSPECIFIED: 'LOGGED_MODEL_STATUS_UNSPECIFIED',
  PENDING: 'LOGGED_MODEL_PENDING',
  READY: 'LOGGED_MODEL_READY',
  FAILED: 'LOGGED_MODEL_UPLOAD_FAILED',
} as const satisfies Record<LoggedModelStatus, string>;

const loggedModelStatus = z
  .enum(Object.values(LOGGED_MODEL_WIRE_STATUS) as [string, ...string[]])
  .default(LOGGED_MODEL_WIRE_STATUS.UNSPECIFIED)
  .transform(
    (wire) =>
      (Object.keys(LOGGED_MODEL_WIRE_STATUS) as LoggedModelStatus[]).find(
        (status) => LOGGED_MODEL_WIRE_STATUS[status] === wire,
      ) as LoggedModelStatus,
  );

export const loggedModel = z
  .object({
    info: z.object({
      model_id: z.string(),
      experiment_id: z.string(),
      name: z.string(),
      creation_timestamp_ms: int64.optional(),
      last_updated_timestamp_ms: int64.optional(),
      artifact_uri: z.string().optional(),
      status: loggedModelStatus,
      model_type: z.string().optional(),
      source_run_id: z.string().optional(),
      status_message: z.string().optional(),
      tags: keyValues,
    }),
    data: z.object({ params: keyValues, metrics: z.array(metric).default([]) }).default({
      params: {},
      metrics: [],
    }),
  })
  .transform(
    ({ info, data }): LoggedModel => ({
      modelId: info.model_id,
      experimentId: info.experiment_id,
      name: info.name,
      artifactLocation: info.artifact_uri,
      creationTimestamp: info.creation_timestamp_ms,
      lastUpdatedTimestamp: info.last_updated_timestamp_ms,
      status: info.status,
      statusMessage: info.status_message,
      modelType: info.model_type,
      sourceRunId: info.source_run_id,
      tags: info.tags,
      params: data.params,
      metrics: data.metrics,
    }),
  );

const token = z.string().optional();

/** Response bodies, by endpoint. */
export const responses = {
  createExperiment: z.object({ experiment_id: z.string() }),
  getExperiment: z.object({ experiment: experiment }),
  searchExperiments: z.object({ experiments: z.array(experiment).default([]), next_page_token: token }),
  createRun: z.object({ run }),
  getRun: z.object({ run }),
  updateRun: z.object({ run_info: runInfo.optional() }),
  searchRuns: z.object({ runs: z.array(run).default([]), next_page_token: token }),
  metricHistory: z.object({ metrics: z.array(metric).default([]), next_page_token: token }),
  bulkInterval: z.object({ metrics: z.array(runMetric).default([]) }),
  listArtifacts: z.object({
    root_uri: z.string().optional(),
    files: z.array(fileInfo).default([]),
    next_page_token: token,
  }),
  registeredModel: z.object({ registered_model: registeredModel }),
  searchRegisteredModels: z.object({
    registered_models: z.array(registeredModel).default([]),
    next_page_token: token,
  }),
  modelVersion: z.object({ model_version: modelVersion }),
  modelVersions: z.object({ model_versions: z.array(modelVersion).default([]) }),
  searchModelVersions: z.object({
    model_versions: z.array(modelVersion).default([]),
    next_page_token: token,
  }),
  downloadUri: z.object({ artifact_uri: z.string() }),
  loggedModel: z.object({ model: loggedModel }),
  searchLoggedModels: z.object({ models: z.array(loggedModel).default([]), next_page_token: token }),
  empty: z.object({}),
} as const;
