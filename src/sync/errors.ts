/** Typed errors of the sync engine: callers branch on the class, never on message text. */

/** Root of every error `trialkit/sync` throws on purpose. */
export class SyncError extends Error {
  override name = 'SyncError';
}

/** Input that does not match the trial model; nothing was stored. `path` names the bad field. */
export class ValidationError extends SyncError {
  override name = 'ValidationError';
  constructor(
    message: string,
    readonly path?: string,
  ) {
    super(message);
  }
}

/** A study or trial the caller named does not exist in the store. */
export class NotFoundError extends SyncError {
  override name = 'NotFoundError';
  constructor(
    readonly entity: 'study' | 'trial' | 'job',
    readonly id: string,
  ) {
    super(`${entity} ${JSON.stringify(id)} does not exist`);
  }
}

/**
 * The store's database could not be reached or refused the connection (no server at the address,
 * wrong password): nothing was read or written. `cause` is the driver's error. The store tries
 * again at its next operation.
 */
export class StoreUnavailableError extends SyncError {
  override name = 'StoreUnavailableError';
}

/** A store used once `close()` began: the operation did nothing. */
export class StorageClosedError extends SyncError {
  override name = 'StorageClosedError';
  constructor() {
    super('the store is closed');
  }
}

/**
 * The store was migrated by a newer trialkit than this one: its schema or summaries may have
 * changed in ways this version would not keep up (a newer summary level its appends would leave
 * stale). Nothing was read or written; run the same version everywhere the store is opened.
 */
export class StoreTooNewError extends SyncError {
  override name = 'StoreTooNewError';
  constructor(
    readonly storeVersion: number,
    readonly knownVersion: number,
  ) {
    super(
      `the store is at schema version ${storeVersion}, newer than the ${knownVersion} this trialkit knows: open it with the trialkit that upgraded it`,
    );
  }
}

/** A job names an action the engine does not know; rejected before it is queued. */
export class UnknownActionError extends SyncError {
  override name = 'UnknownActionError';
  constructor(readonly action: string) {
    super(`unknown sync action ${JSON.stringify(action)}`);
  }
}

/**
 * A job failure that retrying cannot fix (a missing trial, a param MLflow already holds with
 * another value). The queue moves the job to the dead-letter state at once.
 */
export class PermanentJobError extends SyncError {
  override name = 'PermanentJobError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
