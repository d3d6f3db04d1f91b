/**
 * zod schemas for MLflow's wire format, each transforming into the entities of `entities.ts`.
 * The wire's snake_case, int64-as-string, NaN-as-string and omitted empty fields end here.
 * zod/mini, as the protocol's schemas: a page that loads both pays for zod's core once, not for
 * classic zod's methods on top.
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
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

// Mini ships no messages of its own; the English ones keep errors readable (classic zod sets the same).
z.config(en());

/**
 * int64 fields arrive as numbers or decimal strings; both become numbers. Past 2^53 (a step of
 * 2**60, a timestamp in nanoseconds) the number is the nearest double, as JSON.parse reads it:
 * refusing it would make one such point fail every read of its run.
 */
export const int64 = z.union([
  z.number().check(z.refine(Number.isInteger, 'expected an integer')),
  z.pipe(
    z.string().check(z.regex(/^-?\d+$/, 'expected an integer')),
    z.transform((s) => Number(s)),
  ),
]);

/**
 * MLflow's SQL store keeps ±Infinity as ±Number.MAX_VALUE and returns it so; a metric of exactly
 * ±MAX_VALUE is otherwise meaningless, so both read back as ±Infinity.
 */
function fromWireDouble(value: number | 'NaN' | 'Infinity' | '-Infinity'): number {
  if (typeof value === 'string')
    return value === 'NaN' ? Number.NaN : value === '-Infinity' ? -Infinity : Infinity;
  if (value === Number.MAX_VALUE) return Infinity;
  if (value === -Number.MAX_VALUE) return -Infinity;
  return value;
}

export const double = z.pipe(
  z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]),
  z.transform(fromWireDouble),
);

/** A wire object read into one of our entities. */
function entity<Shape extends z.core.$ZodLooseShape, Out>(
  shape: Shape,
  read: (wire: z.output<z.ZodMiniObject<Shape>>) => Out,
) {
  return z.pipe(z.object(shape), z.transform(read));
}

const optionalInt64 = z.optional(int64);
const optionalString = z.optional(z.string());

const keyValues = z.pipe(
  z.optional(z.array(z.object({ key: z.string(), value: optionalString }))),
  z.transform((list) => Object.fromEntries((list ?? []).map(({ key, value }) => [key, value ?? '']))),
);

export const experiment = entity(
  {
    experiment_id: z.string(),
    name: z.string(),
    artifact_location: optionalString,
    lifecycle_stage: z.string(),
    creation_time: optionalInt64,
    last_update_time: optionalInt64,
    tags: keyValues,
  },
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

export const metric = entity(
  {
    key: z.string(),
    value: double,
    timestamp: z._default(int64, 0),
    step: z._default(int64, 0),
  },
  (m): MetricPoint => ({
    key: m.key,
    value: m.value,
    timestamp: m.timestamp,
    step: m.step,
  }),
);

export const runMetric = entity(
  {
    key: z.string(),
    value: double,
    timestamp: z._default(int64, 0),
    step: z._default(int64, 0),
    run_id: z.string(),
  },
  (m): RunMetricPoint => ({
    key: m.key,
    value: m.value,
    timestamp: m.timestamp,
    step: m.step,
    runId: m.run_id,
  }),
);

const runInfo = z.pipe(
  z
    .object({
      run_id: optionalString,
      run_uuid: optionalString,
      experiment_id: z.string(),
      run_name: z._default(z.string(), ''),
      user_id: z._default(z.string(), ''),
      status: z.enum(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']),
      start_time: optionalInt64,
      end_time: optionalInt64,
      artifact_uri: optionalString,
      lifecycle_stage: z._default(z.string(), 'active'),
    })
    .check(
      z.refine((i) => i.run_id ?? i.run_uuid, {
        message: 'run_id is missing',
        path: ['run_id'],
      }),
    ),
  z.transform(
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
  ),
);

const dataset = entity(
  {
    name: z.string(),
    digest: z.string(),
    source_type: z.string(),
    source: z.string(),
    schema: optionalString,
    profile: optionalString,
  },
  (d): Dataset => ({
    name: d.name,
    digest: d.digest,
    sourceType: d.source_type,
    source: d.source,
    schema: d.schema,
    profile: d.profile,
  }),
);

const datasetInput = entity(
  { dataset, tags: keyValues },
  (d): DatasetInput => ({ dataset: d.dataset, tags: d.tags }),
);

export const run = entity(
  {
    info: runInfo,
    data: z.pipe(
      z.optional(
        z.object({
          metrics: z.optional(z.array(metric)),
          params: keyValues,
          tags: keyValues,
        }),
      ),
      z.transform((d) => d ?? { metrics: undefined, params: {}, tags: {} }),
    ),
    inputs: z.optional(z.object({ dataset_inputs: z.optional(z.array(datasetInput)) })),
  },
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

export const fileInfo = entity(
  {
    path: z.string(),
    is_dir: z._default(z.boolean(), false),
    file_size: optionalInt64,
  },
  (f): FileInfo => ({ path: f.path, isDir: f.is_dir, fileSize: f.file_size }),
);

export const modelVersion = entity(
  {
    name: z.string(),
    version: z.string(),
    creation_timestamp: optionalInt64,
    last_updated_timestamp: optionalInt64,
    user_id: optionalString,
    current_stage: optionalString,
    description: optionalString,
    source: optionalString,
    run_id: optionalString,
    status: z.optional(z.enum(['PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY'])),
    status_message: optionalString,
    tags: keyValues,
    run_link: optionalString,
    aliases: z._default(z.array(z.string()), []),
    model_id: optionalString,
  },
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

export const registeredModel = entity(
  {
    name: z.string(),
    creation_timestamp: optionalInt64,
    last_updated_timestamp: optionalInt64,
    user_id: optionalString,
    description: optionalString,
    latest_versions: z._default(z.array(modelVersion), []),
    tags: keyValues,
    aliases: z._default(z.array(z.object({ alias: z.string(), version: z.string() })), []),
  },
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

const loggedModelStatus = z.pipe(
  z._default(
    z.enum(Object.values(LOGGED_MODEL_WIRE_STATUS) as [string, ...string[]]),
    LOGGED_MODEL_WIRE_STATUS.UNSPECIFIED,
  ),
  z.transform(
    (wire) =>
      (Object.keys(LOGGED_MODEL_WIRE_STATUS) as LoggedModelStatus[]).find(
        (status) => LOGGED_MODEL_WIRE_STATUS[status] === wire,
      ) as LoggedModelStatus,
  ),
);

export const loggedModel = entity(
  {
    info: z.object({
      model_id: z.string(),
      experiment_id: z.string(),
      name: z.string(),
      creation_timestamp_ms: optionalInt64,
      last_updated_timestamp_ms: optionalInt64,
      artifact_uri: optionalString,
      status: loggedModelStatus,
      model_type: optionalString,
      source_run_id: optionalString,
      status_message: optionalString,
      tags: keyValues,
    }),
    data: z._default(z.object({ params: keyValues, metrics: z._default(z.array(metric), []) }), {
      params: {},
      metrics: [],
    }),
  },
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

const token = optionalString;

/** Response bodies, by endpoint. */
export const responses = {
  createExperiment: z.object({ experiment_id: z.string() }),
  getExperiment: z.object({ experiment: experiment }),
  searchExperiments: z.object({
    experiments: z._default(z.array(experiment), []),
    next_page_token: token,
  }),
  createRun: z.object({ run }),
  getRun: z.object({ run }),
  updateRun: z.object({ run_info: z.optional(runInfo) }),
  searchRuns: z.object({
    runs: z._default(z.array(run), []),
    next_page_token: token,
  }),
  metricHistory: z.object({
    metrics: z._default(z.array(metric), []),
    next_page_token: token,
  }),
  bulkInterval: z.object({ metrics: z._default(z.array(runMetric), []) }),
  listArtifacts: z.object({
    root_uri: optionalString,
    files: z._default(z.array(fileInfo), []),
    next_page_token: token,
  }),
  registeredModel: z.object({ registered_model: registeredModel }),
  searchRegisteredModels: z.object({
    registered_models: z._default(z.array(registeredModel), []),
    next_page_token: token,
  }),
  modelVersion: z.object({ model_version: modelVersion }),
  modelVersions: z.object({
    model_versions: z._default(z.array(modelVersion), []),
  }),
  searchModelVersions: z.object({
    model_versions: z._default(z.array(modelVersion), []),
    next_page_token: token,
  }),
  downloadUri: z.object({ artifact_uri: z.string() }),
  loggedModel: z.object({ model: loggedModel }),
  searchLoggedModels: z.object({
    models: z._default(z.array(loggedModel), []),
    next_page_token: token,
  }),
  empty: z.object({}),
} as const;
