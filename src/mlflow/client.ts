/**
 * `MlflowClient`: the facade users hold. It keeps the options (`fromEnv`, auth, logger) and one
 * method per MLflow tracking endpoint; each endpoint's body lives in `resources/`, transport
 * concerns (retries, timeouts, errors, logging) in `http.ts`, wire encoding in `wire.ts`.
 */
import type {
  Experiment,
  FileInfo,
  LoggedModel,
  MetricPoint,
  ModelVersion,
  RegisteredModel,
  Run,
  RunInfo,
  RunMetricPoint,
  RunStatus,
} from './entities.js';
import { MlflowValidationError } from './errors.js';
import { type RequestOptions, Transport } from './http.js';
import { LevelledLogger, type Logger, type LogLevel } from './logger.js';
import type { PagePromise } from './pagination.js';
import { redactSecrets, splitCredentials } from './redact.js';
import * as artifacts from './resources/artifacts.js';
import * as experiments from './resources/experiments.js';
import * as loggedModels from './resources/logged-models.js';
import * as metrics from './resources/metrics.js';
import * as modelVersions from './resources/model-versions.js';
import type { VersionInput } from './resources/registered-models.js';
import * as registeredModels from './resources/registered-models.js';
import * as runs from './resources/runs.js';
import type { RetryOptions } from './retry.js';
import { RunLogger, type RunLoggerOptions } from './run-logger.js';
import type { KeyValues, ParamValue } from './wire.js';

/** How to reach and talk to an MLflow tracking server. */
export interface MlflowClientOptions {
  /**
   * Base URL of the server, e.g. `http://127.0.0.1:5000`. User info in it
   * (`http://user:pass@host`) becomes Basic auth (unless `username`/`password` are given) and is
   * removed from `trackingUri`, so it never reaches a message or a log line.
   */
  trackingUri: string;
  /** Sent as `Authorization: Bearer <token>` (unless username and password are set). */
  token?: string;
  /** With `password`: HTTP Basic auth, which wins over `token` as in MLflow's Python client. */
  username?: string;
  password?: string;
  /** A `fetch` implementation; defaults to the global one. */
  fetch?: typeof fetch;
  /** Per-attempt timeout in milliseconds. Default 30 s. */
  timeoutMs?: number;
  /** Retry policy for every call; `false` sends each request once. See {@link RetryOptions}. */
  retry?: RetryOptions | false;
  /** Extra headers for every request. */
  headers?: Record<string, string>;
  /** Where debug lines about retries and slow calls go (e.g. `console`). Default: nowhere. */
  logger?: Logger;
  /** The least severe level passed to `logger`. Default `'debug'`: everything. */
  logLevel?: LogLevel;
  /** A call whose attempts together take longer than this is logged at debug level. Default 5 s. */
  slowCallMs?: number;
}

/** The tag MLflow sets on a nested run: its parent's run id. */
const PARENT_RUN_TAG = 'mlflow.parentRunId';

/**
 * A typed client for MLflow's tracking, model registry and artifact proxy REST APIs. Runs in Node
 * 22+, browsers and workers.
 *
 * Every method takes {@link RequestOptions} last (an `AbortSignal`, a timeout, a retry policy,
 * whether the call is idempotent) and throws subclasses of `MlflowError`. Idempotent calls are
 * retried on 408/429/5xx and network errors; creations (`createRun`, `createExperiment`,
 * `createRegisteredModel`, `createModelVersion`, `createLoggedModel`) and `renameRegisteredModel`
 * only when the server proves it did nothing (429, 503). Searches and listings return a {@link PagePromise}:
 * `await` it for one page, `for await` over it for every item.
 */
export class MlflowClient {
  /** The tracking URI without a trailing slash and without user info. */
  readonly trackingUri: string;
  private readonly http: Transport;

  constructor(given: MlflowClientOptions) {
    if (!given.trackingUri) throw new MlflowValidationError('trackingUri', 'a tracking URI is required');
    const options = withUrlCredentials(given);
    assertHttpUri(options.trackingUri);
    this.trackingUri = options.trackingUri.replace(/\/+$/, '');
    this.http = new Transport({
      baseUrl: this.trackingUri,
      headers: requestHeaders(options),
      fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
      timeoutMs: options.timeoutMs ?? 30_000,
      retry: options.retry,
      logger: new LevelledLogger(options.logger, options.logLevel ?? 'debug'),
      slowCallMs: options.slowCallMs ?? 5000,
    });
  }

  /**
   * A client configured like MLflow's Python client: `MLFLOW_TRACKING_URI`, `MLFLOW_TRACKING_TOKEN`,
   * `MLFLOW_TRACKING_USERNAME` and `MLFLOW_TRACKING_PASSWORD` (Basic wins when both are set).
   * `overrides` win over the environment. Node only (reads `process.env`) unless `env` is passed.
   */
  static fromEnv(
    overrides: Partial<MlflowClientOptions> = {},
    env: Record<string, string | undefined> = (
      globalThis as { process?: { env: Record<string, string | undefined> } }
    ).process?.env ?? {},
  ): MlflowClient {
    const trackingUri = overrides.trackingUri ?? env.MLFLOW_TRACKING_URI;
    if (!trackingUri) throw new MlflowValidationError('MLFLOW_TRACKING_URI', 'is not set');
    if (trackingUri.startsWith('https:')) assertTlsSettingsHonoured(env);
    return new MlflowClient({
      token: env.MLFLOW_TRACKING_TOKEN || undefined,
      username: env.MLFLOW_TRACKING_USERNAME || undefined,
      password: env.MLFLOW_TRACKING_PASSWORD || undefined,
      ...overrides,
      trackingUri,
    });
  }

  // ---------------------------------------------------------------- experiments

  /** Creates an experiment and returns its id. Not idempotent unless `options.idempotent` says so. */
  createExperiment(name: string, options?: experiments.CreateExperimentOptions): Promise<string> {
    return experiments.createExperiment(this.http, name, options);
  }

  /** Gets an experiment by id; throws `MlflowNotFoundError` when there is none. */
  getExperiment(experimentId: string, options?: RequestOptions): Promise<Experiment> {
    return experiments.getExperiment(this.http, experimentId, options);
  }

  /** Gets an experiment by name, deleted ones included; `undefined` when there is none (as in Python). */
  getExperimentByName(name: string, options?: RequestOptions): Promise<Experiment | undefined> {
    return experiments.getExperimentByName(this.http, name, options);
  }

  /** Matching experiments: `await` for one page, `for await` for every experiment from `pageToken` on. */
  searchExperiments(
    params: experiments.SearchExperimentsParams = {},
    options?: RequestOptions,
  ): PagePromise<experiments.ExperimentsPage, Experiment> {
    return experiments.searchExperiments(this.http, params, options);
  }

  /** Every matching experiment: `for await (const e of client.iterateExperiments())`. Same as `searchExperiments`. */
  iterateExperiments(
    params: Omit<experiments.SearchExperimentsParams, 'pageToken'> = {},
    options?: RequestOptions,
  ): AsyncIterable<Experiment> {
    return this.searchExperiments(params, options);
  }

  /** Renames an experiment. */
  updateExperiment(experimentId: string, newName: string, options?: RequestOptions): Promise<void> {
    return experiments.updateExperiment(this.http, experimentId, newName, options);
  }

  /** Marks an experiment (and its runs) deleted; `restoreExperiment` undoes it. */
  deleteExperiment(experimentId: string, options?: RequestOptions): Promise<void> {
    return experiments.deleteExperiment(this.http, experimentId, options);
  }

  /** Undoes `deleteExperiment`. */
  restoreExperiment(experimentId: string, options?: RequestOptions): Promise<void> {
    return experiments.restoreExperiment(this.http, experimentId, options);
  }

  /** Sets a tag of an experiment. */
  setExperimentTag(
    experimentId: string,
    key: string,
    value: ParamValue,
    options?: RequestOptions,
  ): Promise<void> {
    return experiments.setExperimentTag(this.http, experimentId, key, value, options);
  }

  /** Removes a tag of an experiment. */
  deleteExperimentTag(experimentId: string, key: string, options?: RequestOptions): Promise<void> {
    return experiments.deleteExperimentTag(this.http, experimentId, key, options);
  }

  // ---------------------------------------------------------------- runs

  /** Creates a run. Not idempotent: retried only on 429/503, when the server did nothing. */
  createRun(params: runs.CreateRunParams, options?: RequestOptions): Promise<Run> {
    return runs.createRun(this.http, params, options);
  }

  /** Gets a run with its params, tags and latest metrics; throws `MlflowNotFoundError` when there is none. */
  getRun(runId: string, options?: RequestOptions): Promise<Run> {
    return runs.getRun(this.http, runId, options);
  }

  /** Changes a run's status, end time or name; returns the updated info when the server sends it. */
  updateRun(params: runs.UpdateRunParams, options?: RequestOptions): Promise<RunInfo | undefined> {
    return runs.updateRun(this.http, params, options);
  }

  /** Ends a run, as Python's `set_terminated`: `FINISHED` (or `status`) at `endTime` (default now). */
  setTerminated(
    runId: string,
    status: RunStatus = 'FINISHED',
    endTime: number = Date.now(),
    options?: RequestOptions,
  ): Promise<RunInfo | undefined> {
    return this.updateRun({ runId, status, endTime }, options);
  }

  /** The run's parent (its `mlflow.parentRunId` tag), undefined for a top-level run; as Python's `get_parent_run`. */
  async getParentRun(runId: string, options?: RequestOptions): Promise<Run | undefined> {
    const run = await this.getRun(runId, options);
    const parentId = Object.hasOwn(run.data.tags, PARENT_RUN_TAG) ? run.data.tags[PARENT_RUN_TAG] : undefined;
    return parentId ? this.getRun(parentId, options) : undefined;
  }

  /** Marks a run deleted; `restoreRun` undoes it. */
  deleteRun(runId: string, options?: RequestOptions): Promise<void> {
    return runs.deleteRun(this.http, runId, options);
  }

  /** Undoes `deleteRun`. */
  restoreRun(runId: string, options?: RequestOptions): Promise<void> {
    return runs.restoreRun(this.http, runId, options);
  }

  /** Matching runs: `await` for one page, `for await` for every run (`maxResults` is the page size). */
  searchRuns(params: runs.SearchRunsParams, options?: RequestOptions): PagePromise<runs.RunsPage, Run> {
    return runs.searchRuns(this.http, params, options);
  }

  /** Every matching run, page after page. Same as `searchRuns`, iterated. */
  iterateRuns(
    params: Omit<runs.SearchRunsParams, 'pageToken'>,
    options?: RequestOptions,
  ): AsyncIterable<Run> {
    return this.searchRuns(params, options);
  }

  /** Sets a tag of a run. */
  setTag(runId: string, key: string, value: ParamValue, options?: RequestOptions): Promise<void> {
    return runs.setTag(this.http, runId, key, value, options);
  }

  /** Removes a tag of a run. */
  deleteTag(runId: string, key: string, options?: RequestOptions): Promise<void> {
    return runs.deleteTag(this.http, runId, key, options);
  }

  /** Logs one point. Prefer {@link logBatch} or {@link runLogger} for more than a few. */
  logMetric(
    runId: string,
    key: string,
    value: number,
    point: { step?: number | string; timestamp?: number | string } = {},
    options?: RequestOptions,
  ): Promise<void> {
    return runs.logMetric(this.http, runId, key, value, point, options);
  }

  /** Logs a param; logging it again with another value fails with `MlflowInvalidRequestError`. */
  logParam(runId: string, key: string, value: ParamValue, options?: RequestOptions): Promise<void> {
    return runs.logParam(this.http, runId, key, value, options);
  }

  /**
   * Logs metrics, params and tags of any number: validated first (nothing is sent if any key is bad),
   * then split into requests within MLflow's limits and sent `concurrency` at a time.
   */
  logBatch(runId: string, input: runs.LogBatchInput, options?: runs.LogBatchOptions): Promise<void> {
    return runs.logBatch(this.http, runId, input, options);
  }

  /** Records datasets a run used. */
  logInputs(runId: string, datasets: runs.DatasetInputParam[], options?: RequestOptions): Promise<void> {
    return runs.logInputs(this.http, runId, datasets, options);
  }

  /** A buffered logger for training loops; see {@link RunLogger}. */
  runLogger(runId: string, options?: RunLoggerOptions): RunLogger {
    return new RunLogger((body, request) => runs.postBatch(this.http, body, request), runId, options);
  }

  // ---------------------------------------------------------------- metrics

  /** Every point of a metric, all pages, in server order (timestamp, step, value). */
  getMetricHistory(
    runId: string,
    key: string,
    options?: metrics.MetricHistoryOptions,
  ): Promise<MetricPoint[]> {
    return metrics.getMetricHistory(this.http, runId, key, options);
  }

  /** A metric's points: `for await` for every point, page after page, or `await` for the first page. */
  iterateMetricHistory(
    runId: string,
    key: string,
    options?: metrics.MetricHistoryOptions,
  ): PagePromise<metrics.MetricHistoryPage, MetricPoint> {
    return metrics.listMetricHistory(this.http, runId, key, options);
  }

  /** A metric sampled across steps for up to 100 runs, as the MLflow UI charts it. */
  getMetricHistoryBulkInterval(
    params: metrics.BulkIntervalParams,
    options?: RequestOptions,
  ): Promise<RunMetricPoint[]> {
    return metrics.getMetricHistoryBulkInterval(this.http, params, options);
  }

  // ---------------------------------------------------------------- artifacts

  /** A run's artifacts under `path` (the root when omitted): `await` for one page, `for await` for every file. */
  listArtifacts(
    runId: string,
    params?: artifacts.ListArtifactsParams,
    options?: RequestOptions,
  ): PagePromise<artifacts.ArtifactsPage, FileInfo> {
    return artifacts.listArtifacts(this.http, runId, params, options);
  }

  /** Every artifact directly under `path`, page after page. Same as `listArtifacts`, iterated. */
  iterateArtifacts(
    runId: string,
    params: { path?: string } = {},
    options?: RequestOptions,
  ): AsyncIterable<FileInfo> {
    return this.listArtifacts(runId, params, options);
  }

  /**
   * Uploads `body` to `path` in the run's artifacts through the tracking server's artifact proxy
   * (`PUT /api/2.0/mlflow-artifacts/artifacts/…`), streaming it: a file path (Node) is read from
   * disk as it is sent, so memory stays bounded whatever the size. Bytes, Blobs and files are
   * retried like any idempotent call; a `ReadableStream` is sent once. Throws
   * `MlflowValidationError` when the run's artifact URI is not served by the proxy.
   */
  uploadArtifact(
    runId: string,
    path: string,
    body: artifacts.ArtifactBody,
    options?: RequestOptions,
  ): Promise<void> {
    return artifacts.uploadArtifact(this.http, runId, path, body, options);
  }

  /** Writes `text` to the run's artifact `path` as UTF-8, as Python's `log_text`. */
  logText(runId: string, text: string, path: string, options?: RequestOptions): Promise<void> {
    return this.uploadArtifact(runId, path, new TextEncoder().encode(text), options);
  }

  /**
   * Writes `value` to the run's artifact `path` as JSON indented by two spaces, as Python's
   * `log_dict` does for any name but `.yaml`/`.yml`, which it writes as YAML and this refuses.
   */
  async logDict(runId: string, value: unknown, path: string, options?: RequestOptions): Promise<void> {
    if (/\.ya?ml$/i.test(path))
      throw new MlflowValidationError('path', `${path}: YAML is not written here; use a .json name`);
    return this.logText(runId, JSON.stringify(value, null, 2), path, options);
  }

  /**
   * Downloads one artifact of a run through the artifact proxy: resolves once the server answers,
   * with the body as a web `ReadableStream` (in Node, `Readable.fromWeb` or `pipeline` it to a
   * file). `timeoutMs` covers the wait for the answer; `signal` also aborts the streaming body.
   * Throws `MlflowNotFoundError` when there is no such file.
   */
  downloadArtifact(
    runId: string,
    path: string,
    options?: RequestOptions,
  ): Promise<ReadableStream<Uint8Array>> {
    return artifacts.downloadArtifact(this.http, runId, path, options);
  }

  // ---------------------------------------------------------------- registered models

  /** Registers a model name; throws `MlflowAlreadyExistsError` when it is taken. Not retried unless the server did nothing. */
  createRegisteredModel(
    name: string,
    options?: registeredModels.CreateRegisteredModelOptions,
  ): Promise<RegisteredModel> {
    return registeredModels.createRegisteredModel(this.http, name, options);
  }

  /** Gets a registered model with its tags, aliases and latest versions; `MlflowNotFoundError` when there is none. */
  getRegisteredModel(name: string, options?: RequestOptions): Promise<RegisteredModel> {
    return registeredModels.getRegisteredModel(this.http, name, options);
  }

  /** Renames a registered model (its versions follow). Not retried unless the server did nothing. */
  renameRegisteredModel(name: string, newName: string, options?: RequestOptions): Promise<RegisteredModel> {
    return registeredModels.renameRegisteredModel(this.http, name, newName, options);
  }

  /** Sets the description of a registered model. */
  updateRegisteredModel(
    name: string,
    description: string,
    options?: RequestOptions,
  ): Promise<RegisteredModel> {
    return registeredModels.updateRegisteredModel(this.http, name, description, options);
  }

  /** Deletes a registered model and all its versions. */
  deleteRegisteredModel(name: string, options?: RequestOptions): Promise<void> {
    return registeredModels.deleteRegisteredModel(this.http, name, options);
  }

  /** Matching registered models: `await` for one page, `for await` for every model. */
  searchRegisteredModels(
    params?: registeredModels.SearchRegisteredModelsParams,
    options?: RequestOptions,
  ): PagePromise<registeredModels.RegisteredModelsPage, RegisteredModel> {
    return registeredModels.searchRegisteredModels(this.http, params, options);
  }

  /** Sets a tag of a registered model. */
  setRegisteredModelTag(
    name: string,
    key: string,
    value: ParamValue,
    options?: RequestOptions,
  ): Promise<void> {
    return registeredModels.setRegisteredModelTag(this.http, name, key, value, options);
  }

  /** Removes a tag of a registered model. */
  deleteRegisteredModelTag(name: string, key: string, options?: RequestOptions): Promise<void> {
    return registeredModels.deleteRegisteredModelTag(this.http, name, key, options);
  }

  /** Points `alias` (e.g. `champion`) at a version, moving it if it pointed elsewhere; `MlflowNotFoundError` when the version is missing. */
  setRegisteredModelAlias(
    name: string,
    alias: string,
    version: VersionInput,
    options?: RequestOptions,
  ): Promise<void> {
    return registeredModels.setRegisteredModelAlias(this.http, name, alias, version, options);
  }

  /** Removes an alias. */
  deleteRegisteredModelAlias(name: string, alias: string, options?: RequestOptions): Promise<void> {
    return registeredModels.deleteRegisteredModelAlias(this.http, name, alias, options);
  }

  /**
   * The version an alias points at. A missing model is `MlflowNotFoundError`; an alias that is not
   * set is `MlflowInvalidRequestError` (MLflow answers `INVALID_PARAMETER_VALUE`).
   */
  getModelVersionByAlias(name: string, alias: string, options?: RequestOptions): Promise<ModelVersion> {
    return registeredModels.getModelVersionByAlias(this.http, name, alias, options);
  }

  /**
   * The newest version of a model in each of `stages` (every stage when omitted).
   * @deprecated Stages are deprecated in MLflow; use aliases ({@link getModelVersionByAlias}).
   */
  getLatestVersions(name: string, stages?: string[], options?: RequestOptions): Promise<ModelVersion[]> {
    return registeredModels.getLatestVersions(this.http, name, stages, options);
  }

  // ---------------------------------------------------------------- model versions

  /** Registers a new version of a model from `source`. Not retried unless the server did nothing (a resend adds a version). */
  createModelVersion(
    params: modelVersions.CreateModelVersionParams,
    options?: RequestOptions,
  ): Promise<ModelVersion> {
    return modelVersions.createModelVersion(this.http, params, options);
  }

  /** Gets one version; `MlflowNotFoundError` when there is none. */
  getModelVersion(name: string, version: VersionInput, options?: RequestOptions): Promise<ModelVersion> {
    return modelVersions.getModelVersion(this.http, name, version, options);
  }

  /** Sets the description of a version. */
  updateModelVersion(
    name: string,
    version: VersionInput,
    description: string,
    options?: RequestOptions,
  ): Promise<ModelVersion> {
    return modelVersions.updateModelVersion(this.http, name, version, description, options);
  }

  /** Deletes a version (its aliases go with it). */
  deleteModelVersion(name: string, version: VersionInput, options?: RequestOptions): Promise<void> {
    return modelVersions.deleteModelVersion(this.http, name, version, options);
  }

  /** Matching versions, e.g. `{ filter: "name = 'fraud'" }`: `await` for one page, `for await` for every version. */
  searchModelVersions(
    params?: modelVersions.SearchModelVersionsParams,
    options?: RequestOptions,
  ): PagePromise<modelVersions.ModelVersionsPage, ModelVersion> {
    return modelVersions.searchModelVersions(this.http, params, options);
  }

  /** Sets a tag of a version. */
  setModelVersionTag(
    name: string,
    version: VersionInput,
    key: string,
    value: ParamValue,
    options?: RequestOptions,
  ): Promise<void> {
    return modelVersions.setModelVersionTag(this.http, name, version, key, value, options);
  }

  /** Removes a tag of a version. */
  deleteModelVersionTag(
    name: string,
    version: VersionInput,
    key: string,
    options?: RequestOptions,
  ): Promise<void> {
    return modelVersions.deleteModelVersionTag(this.http, name, version, key, options);
  }

  /** Where the version's files are, as the server resolves its source (a `runs:/` source comes back as it is). */
  getModelVersionDownloadUri(name: string, version: VersionInput, options?: RequestOptions): Promise<string> {
    return modelVersions.getModelVersionDownloadUri(this.http, name, version, options);
  }

  /**
   * Moves a version to `stage` (`Staging`, `Production`, `Archived`, `None`), optionally archiving
   * the versions that were in it, as MLflow's `transition_model_version_stage`.
   * @deprecated Stages are deprecated in MLflow; use aliases ({@link setRegisteredModelAlias}).
   */
  transitionModelVersionStage(
    name: string,
    version: VersionInput,
    stage: string,
    archiveExistingVersions = false,
    options?: RequestOptions,
  ): Promise<ModelVersion> {
    return modelVersions.transitionModelVersionStage(
      this.http,
      name,
      version,
      stage,
      archiveExistingVersions,
      options,
    );
  }

  // ---------------------------------------------------------------- logged models (MLflow 3)

  /** Creates a logged model in `PENDING` status. Not retried unless the server did nothing (a resend adds a model). */
  createLoggedModel(
    params: loggedModels.CreateLoggedModelParams,
    options?: RequestOptions,
  ): Promise<LoggedModel> {
    return loggedModels.createLoggedModel(this.http, params, options);
  }

  /** Gets a logged model; `MlflowNotFoundError` when there is none. */
  getLoggedModel(modelId: string, options?: RequestOptions): Promise<LoggedModel> {
    return loggedModels.getLoggedModel(this.http, modelId, options);
  }

  /** Marks a logged model `READY` (its files are uploaded) or `FAILED`. */
  finalizeLoggedModel(
    modelId: string,
    status: 'READY' | 'FAILED',
    options?: RequestOptions,
  ): Promise<LoggedModel> {
    return loggedModels.finalizeLoggedModel(this.http, modelId, status, options);
  }

  /** Deletes a logged model. */
  deleteLoggedModel(modelId: string, options?: RequestOptions): Promise<void> {
    return loggedModels.deleteLoggedModel(this.http, modelId, options);
  }

  /** Matching logged models of some experiments: `await` for one page, `for await` for every model. */
  searchLoggedModels(
    params: loggedModels.SearchLoggedModelsParams,
    options?: RequestOptions,
  ): PagePromise<loggedModels.LoggedModelsPage, LoggedModel> {
    return loggedModels.searchLoggedModels(this.http, params, options);
  }

  /** Sets tags of a logged model. */
  setLoggedModelTags(modelId: string, tags: KeyValues, options?: RequestOptions): Promise<void> {
    return loggedModels.setLoggedModelTags(this.http, modelId, tags, options);
  }

  /** Removes a tag of a logged model. */
  deleteLoggedModelTag(modelId: string, key: string, options?: RequestOptions): Promise<void> {
    return loggedModels.deleteLoggedModelTag(this.http, modelId, key, options);
  }

  /** Logs params of a logged model. */
  logLoggedModelParams(modelId: string, params: KeyValues, options?: RequestOptions): Promise<void> {
    return loggedModels.logLoggedModelParams(this.http, modelId, params, options);
  }
}

/** Moves `http://user:pass@host` into `username`/`password`; explicit ones win. */
function withUrlCredentials(options: MlflowClientOptions): MlflowClientOptions {
  const { url, username, password } = splitCredentials(options.trackingUri);
  if (url === options.trackingUri) return options;
  const explicit = options.username !== undefined && options.password !== undefined;
  return explicit ? { ...options, trackingUri: url } : { ...options, trackingUri: url, username, password };
}

/**
 * Python's client reads its TLS settings from the environment; `fetch` takes Node's own. Said at
 * once when one is set without Node's counterpart, rather than as a certificate error later.
 */
function assertTlsSettingsHonoured(env: Record<string, string | undefined>): void {
  const certPath = env.MLFLOW_TRACKING_SERVER_CERT_PATH;
  if (certPath && !env.NODE_EXTRA_CA_CERTS)
    throw new MlflowValidationError(
      'MLFLOW_TRACKING_SERVER_CERT_PATH',
      `is not read here: start Node with NODE_EXTRA_CA_CERTS=${certPath} to trust that certificate`,
    );
  if (env.MLFLOW_TRACKING_INSECURE_TLS?.toLowerCase() === 'true' && env.NODE_TLS_REJECT_UNAUTHORIZED !== '0')
    throw new MlflowValidationError(
      'MLFLOW_TRACKING_INSECURE_TLS',
      "is not read here: Node checks certificates unless NODE_TLS_REJECT_UNAUTHORIZED=0 (insecure); better, trust the server's certificate with NODE_EXTRA_CA_CERTS",
    );
}

/**
 * Refuses a tracking URI that is not an http(s) URL (`127.0.0.1:5000`, `databricks`, a typo with a
 * space) at once, rather than as a network error retried five times. In a browser a path (`/mlflow`)
 * is the page's own server. The message leaves out user info.
 */
function assertHttpUri(uri: string): void {
  let protocol: string | undefined;
  try {
    protocol = new URL(uri, globalThis.location?.href).protocol;
  } catch {
    // reported below
  }
  if (protocol === 'http:' || protocol === 'https:') return;
  throw new MlflowValidationError(
    'trackingUri',
    `${JSON.stringify(redactSecrets(uri))} is not an http(s) URL such as http://127.0.0.1:5000`,
  );
}

/**
 * The headers of every request, names in lower case so that the client's own (authorization,
 * content type) replace a caller's of any spelling instead of being sent beside them.
 */
function requestHeaders(options: MlflowClientOptions): Record<string, string> {
  const headers = new Headers(options.headers);
  if (options.username !== undefined && options.password !== undefined) {
    const bytes = new TextEncoder().encode(`${options.username}:${options.password}`);
    headers.set('authorization', `Basic ${btoa(String.fromCharCode(...bytes))}`);
  } else if (options.token) {
    headers.set('authorization', `Bearer ${options.token}`);
  }
  return Object.fromEntries(headers);
}
