/**
 * The one backoff formula of the package: MLflow request retries, sync job retries and the
 * client's reconnects all wait `backoffDelay(attempt, …)`.
 */

/** Options of {@link backoffDelay}. */
export interface BackoffDelayOptions {
  /** Ceiling of the first delay, in ms; it grows by `factor` with each attempt. */
  baseMs: number;
  /** Largest ceiling, in ms. */
  maxMs: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
  /** Source of randomness in [0, 1), for tests. Default `Math.random`. */
  random?: () => number;
}

/**
 * The delay before retry number `attempt` (1 for the first retry): exponential with "equal
 * jitter", half of the ceiling fixed and half random, so many clients that failed together do not
 * come back in step.
 */
export function backoffDelay(attempt: number, options: BackoffDelayOptions): number {
  const { baseMs, maxMs, factor = 2, random = Math.random } = options;
  const ceiling = Math.min(maxMs, baseMs * factor ** (attempt - 1));
  return ceiling / 2 + random() * (ceiling / 2);
}
