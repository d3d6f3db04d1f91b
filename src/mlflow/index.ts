/** `trialkit/mlflow`: a typed client for MLflow's tracking, model registry and artifact proxy REST APIs. */
export { type BackoffDelayOptions, backoffDelay } from './backoff.js';
export { MlflowClient, type MlflowClientOptions } from './client.js';
export { mapConcurrently } from './concurrency.js';
export {
  type Dataset,
  type DatasetInput,
  type Experiment,
  type FileInfo,
  type LifecycleStage,
  type LoggedModel,
  LoggedModelStatus,
  type MetricPoint,
  type ModelVersion,
  ModelVersionStatus,
  type RegisteredModel,
  type Run,
  type RunData,
  type RunInfo,
  type RunInputs,
  type RunMetricPoint,
  RunStatus,
  ViewType,
} from './entities.js';
export {
  MlflowAlreadyExistsError,
  MlflowApiError,
  MlflowError,
  MlflowInvalidRequestError,
  MlflowNetworkError,
  MlflowNotFoundError,
  MlflowPermissionError,
  MlflowResponseError,
  MlflowTimeoutError,
  MlflowValidationError,
  type RequestDescription,
} from './errors.js';
export { quoteFilterValue } from './filter.js';
export type { RequestOptions } from './http.js';
export { BATCH_LIMITS, BULK_INTERVAL_LIMITS, LENGTH_LIMITS } from './limits.js';
export type { Logger, LogLevel } from './logger.js';
export { type Page, PagePromise } from './pagination.js';
export { redactSecrets, splitCredentials, type UrlCredentials } from './redact.js';
export type { ArtifactBody, ArtifactsPage, ListArtifactsParams } from './resources/artifacts.js';
export type {
  CreateExperimentOptions,
  ExperimentsPage,
  SearchExperimentsParams,
} from './resources/experiments.js';
export type {
  CreateLoggedModelParams,
  LoggedModelOrderBy,
  LoggedModelsPage,
  SearchLoggedModelsParams,
} from './resources/logged-models.js';
export type { BulkIntervalParams, MetricHistoryOptions, MetricHistoryPage } from './resources/metrics.js';
export type {
  CreateModelVersionParams,
  ModelVersionsPage,
  SearchModelVersionsParams,
} from './resources/model-versions.js';
export type {
  CreateRegisteredModelOptions,
  RegisteredModelsPage,
  SearchRegisteredModelsParams,
  VersionInput,
} from './resources/registered-models.js';
export type {
  CreateRunParams,
  DatasetInputParam,
  LogBatchInput,
  LogBatchOptions,
  RunsPage,
  SearchRunsParams,
  UpdateRunParams,
} from './resources/runs.js';
export { DEFAULT_RETRY, type RetryOptions } from './retry.js';
export {
  type PointOptions,
  type PostBatch,
  RunLogger,
  RunLoggerError,
  RunLoggerFullError,
  type RunLoggerOptions,
} from './run-logger.js';
export { modelVersionsOfRuns, type RunModelVersion } from './run-models.js';
export { validateKey } from './validation.js';
export type { KeyValues, MetricInput, ParamValue } from './wire.js';
