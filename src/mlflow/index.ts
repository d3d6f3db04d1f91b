// `trialkit/mlflow`: a typed client for the MLflow tracking REST API.
export {
  type BulkIntervalParams,
  type CreateExperimentOptions,
  type CreateRunParams,
  type DatasetInputParam,
  type LogBatchInput,
  type LogBatchOptions,
  MlflowClient,
  type MlflowClientOptions,
  type SearchExperimentsParams,
  type SearchRunsParams,
  type UpdateRunParams,
} from './client.js';
export {
  type Dataset,
  type DatasetInput,
  type Experiment,
  type FileInfo,
  type LifecycleStage,
  type MetricPoint,
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
export type { RequestOptions } from './http.js';
export { BATCH_LIMITS, BULK_INTERVAL_LIMITS, LENGTH_LIMITS } from './limits.js';
export { DEFAULT_RETRY, type RetryOptions } from './retry.js';
export {
  type PointOptions,
  type PostBatch,
  RunLogger,
  RunLoggerError,
  type RunLoggerOptions,
} from './run-logger.js';
export { validateKey } from './validation.js';
export type { KeyValues, MetricInput, ParamValue } from './wire.js';
