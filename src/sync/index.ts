/**
 * `trialkit/sync`: keeps a host app's trials and MLflow in step, both ways, through a durable job
 * queue kept in the same store as the trials. This entry has the memory store; PGlite and
 * PostgreSQL are `trialkit/sync/pglite` and `trialkit/sync/postgres`.
 */

export { EventBatchError } from './engine/records.js';
export {
  createSyncEngine,
  type EnqueueOptions,
  type StudyUpsert,
  type SyncEngine,
  type SyncEngineOptions,
} from './engine.js';
export {
  NotFoundError,
  PermanentJobError,
  StorageClosedError,
  StoreTooNewError,
  StoreUnavailableError,
  SyncError,
  UnknownActionError,
  ValidationError,
} from './errors.js';
export type { EventListener } from './event-hub.js';
export {
  describeJob,
  isJobAction,
  JobAction,
  type JobPayload,
  type JobRecord,
  JobState,
  jobPayloadSchemas,
  type NewJob,
} from './jobs.js';
export { STUDY_ID_TAG, TRIAL_ID_TAG, toRunStatus } from './mapping.js';
export { MlflowLimitError } from './mlflow-limits.js';
export * from './model.js';
export { createMemoryStorage } from './storage/memory.js';
export type { SeriesAppend, Storage, StorageOps } from './storage.js';
export type { MetricPointInput } from './validate.js';
export { DEFAULT_JOB_RETRY, type RetryPolicy } from './worker.js';
