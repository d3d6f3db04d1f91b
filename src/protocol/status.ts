/**
 * The protocol's status vocabularies as plain constants, apart from their zod schemas, so code that
 * only names a status (the components) does not load the validator.
 */

export const TrialStatus = {
  Pending: 'pending',
  Running: 'running',
  Succeeded: 'succeeded',
  Failed: 'failed',
  Pruned: 'pruned',
  Cancelled: 'cancelled',
} as const;
export type TrialStatus = (typeof TrialStatus)[keyof typeof TrialStatus];
export const StudyStatus = {
  Running: 'running',
  Completed: 'completed',
  Failed: 'failed',
  Paused: 'paused',
} as const;
export type StudyStatus = (typeof StudyStatus)[keyof typeof StudyStatus];
/** The state of a trial's synchronisation with MLflow. */
export const SyncState = {
  /** Sync is off for this trial (engine `enabled: false`). */
  Disabled: 'disabled',
  /** A sync job is queued. */
  Pending: 'pending',
  /** A worker is pushing or pulling it now. */
  Syncing: 'syncing',
  /** MLflow holds everything the store holds. */
  Synced: 'synced',
  /** The last attempt failed; it will be retried. */
  Retrying: 'retrying',
  /** Attempts are exhausted; the job waits in the dead-letter state for a manual retry. */
  Dead: 'dead',
} as const;
export type SyncState = (typeof SyncState)[keyof typeof SyncState];
