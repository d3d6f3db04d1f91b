/**
 * The client's error hierarchy: one root class, subclasses for what a caller branches on, and on
 * each error whether it is worth retrying. Messages name the request but never carry credentials.
 */

/** Root of every error the MLflow client throws (except an `AbortSignal`'s own reason). */
export class MlflowError extends Error {
  override name = 'MlflowError';
  /**
   * Whether the same request may succeed later (a 5xx, 408 or 429, a network failure, a garbled
   * response), so a job queue should try again; false when only a change of input can help. The
   * client's own retries also follow its retry policy and whether the call is idempotent.
   */
  readonly retryable: boolean = false;
}

/** Statuses that say "not now" rather than "never": 408, 429 and everything outside 4xx. */
export function isTransientStatus(status: number): boolean {
  return status < 400 || status >= 500 || status === 408 || status === 429;
}

/** What the client knows about the request that failed; never includes headers or tokens. */
export interface RequestDescription {
  method: string;
  /** Path of the endpoint without the query string, e.g. `/api/2.0/mlflow/runs/get`. */
  path: string;
}

/** Hints appended to MLflow's security-middleware refusals, which otherwise say little. */
const CORS_BLOCKED = 'Cross-origin request blocked';
const INVALID_HOST = 'Invalid Host header';

/** The server answered with an error status. `errorCode` is MLflow's `error_code` (or one derived from the status). */
export class MlflowApiError extends MlflowError {
  override name = 'MlflowApiError';
  /** MLflow's error code, e.g. `RESOURCE_DOES_NOT_EXIST`, `INVALID_PARAMETER_VALUE`. */
  readonly errorCode: string;
  /** HTTP status. */
  readonly status: number;
  readonly method: string;
  readonly path: string;
  /** The server's own message, without the request prefix. */
  readonly serverMessage: string;
  override readonly retryable: boolean;

  constructor(request: RequestDescription, status: number, errorCode: string, serverMessage: string) {
    super(`${request.method} ${request.path} failed with ${status} ${errorCode}: ${explain(serverMessage)}`);
    this.errorCode = errorCode;
    this.status = status;
    this.method = request.method;
    this.path = request.path;
    this.serverMessage = serverMessage;
    this.retryable = isTransientStatus(status);
  }
}

function explain(serverMessage: string): string {
  if (serverMessage.includes(CORS_BLOCKED)) {
    return (
      `${serverMessage}. MLflow refuses state-changing requests from origins other than localhost; ` +
      'start it with `mlflow server --cors-allowed-origins <this page origin>` (or set MLFLOW_SERVER_CORS_ALLOWED_ORIGINS).'
    );
  }
  if (serverMessage.includes(INVALID_HOST)) {
    return (
      `${serverMessage}. MLflow refuses Host headers it does not know; ` +
      'start it with `mlflow server --allowed-hosts <host:port>` (or set MLFLOW_SERVER_ALLOWED_HOSTS).'
    );
  }
  return serverMessage;
}

/** `RESOURCE_DOES_NOT_EXIST`: the run, experiment, tag or metric is not there. */
export class MlflowNotFoundError extends MlflowApiError {
  override name = 'MlflowNotFoundError';
}

/** `RESOURCE_ALREADY_EXISTS`, e.g. an experiment name that is taken. */
export class MlflowAlreadyExistsError extends MlflowApiError {
  override name = 'MlflowAlreadyExistsError';
}

/** `INVALID_PARAMETER_VALUE` and other 400s, e.g. changing a logged param's value. */
export class MlflowInvalidRequestError extends MlflowApiError {
  override name = 'MlflowInvalidRequestError';
}

/** 401 or 403: missing or wrong credentials, or refused by MLflow's security middleware (CORS, Host). */
export class MlflowPermissionError extends MlflowApiError {
  override name = 'MlflowPermissionError';
}

/** Picks the subclass a caller would branch on. */
export function apiError(
  request: RequestDescription,
  status: number,
  errorCode: string,
  message: string,
): MlflowApiError {
  if (errorCode === 'RESOURCE_DOES_NOT_EXIST')
    return new MlflowNotFoundError(request, status, errorCode, message);
  if (errorCode === 'RESOURCE_ALREADY_EXISTS') {
    return new MlflowAlreadyExistsError(request, status, errorCode, message);
  }
  if (status === 401 || status === 403) return new MlflowPermissionError(request, status, errorCode, message);
  if (status === 400 || errorCode === 'INVALID_PARAMETER_VALUE') {
    return new MlflowInvalidRequestError(request, status, errorCode, message);
  }
  return new MlflowApiError(request, status, errorCode, message);
}

/** In a browser (a page or a worker) a refused cross-origin request fails as a network error too. */
function corsHint(): string {
  return 'document' in globalThis || 'WorkerGlobalScope' in globalThis
    ? ' In a browser this is also how a cross-origin refusal looks: allow the page origin with `mlflow server --cors-allowed-origins`.'
    : '';
}

/** The request never got a response: DNS, refused or reset connection, or a browser's CORS refusal. */
export class MlflowNetworkError extends MlflowError {
  override name = 'MlflowNetworkError';
  override readonly retryable: boolean = true;
  readonly method: string;
  readonly path: string;

  constructor(request: RequestDescription, cause: unknown, message?: string) {
    super(message ?? `${request.method} ${request.path}: network error (${describe(cause)}).${corsHint()}`, {
      cause,
    });
    this.method = request.method;
    this.path = request.path;
  }
}

/** One attempt took longer than `timeoutMs` (connecting, waiting, or reading the body). */
export class MlflowTimeoutError extends MlflowNetworkError {
  override name = 'MlflowTimeoutError';
  readonly timeoutMs: number;

  constructor(request: RequestDescription, timeoutMs: number) {
    super(
      request,
      undefined,
      `${request.method} ${request.path}: no complete response within ${timeoutMs} ms`,
    );
    this.timeoutMs = timeoutMs;
  }
}

/** The server answered 2xx but the body was not JSON or did not match the expected shape. */
export class MlflowResponseError extends MlflowError {
  override name = 'MlflowResponseError';
  /**
   * True for a body cut short or garbled on the way (another attempt may get it whole); false for
   * a page that is not MLflow's (HTML) or JSON of another shape, which the server will send again.
   */
  override readonly retryable: boolean;
  readonly method: string;
  readonly path: string;
  /** Dotted path of the offending field, e.g. `run.info.start_time`; empty when the body was not JSON. */
  readonly field: string;

  constructor(request: RequestDescription, field: string, problem: string, retryable = true) {
    super(
      `${request.method} ${request.path}: unexpected response${field ? ` at \`${field}\`` : ''}: ${problem}`,
    );
    this.method = request.method;
    this.path = request.path;
    this.field = field;
    this.retryable = retryable;
  }
}

/** Input rejected before sending: a key or value MLflow would refuse. `key` names the culprit. */
export class MlflowValidationError extends MlflowError {
  override name = 'MlflowValidationError';
  /** The offending key (metric/param/tag name), or the argument name. */
  readonly key: string;

  constructor(key: string, problem: string) {
    super(`invalid ${JSON.stringify(key)}: ${problem}`);
    this.key = key;
  }
}

function describe(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  // Node's fetch says only "fetch failed"; why is its cause's code (ECONNREFUSED) or message ("bad port").
  const inner = cause.cause as { code?: string; message?: string } | undefined;
  const why = inner?.code ?? (cause as { code?: string }).code ?? inner?.message;
  return why && !cause.message.includes(why) ? `${cause.message}: ${why}` : cause.message;
}
