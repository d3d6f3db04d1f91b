/** Reconnect delays: exponential with jitter, so many dashboards do not reconnect in step. */
import { backoffDelay } from '../../mlflow/backoff.js';

export interface BackoffOptions {
  /** Delay before the first retry, in ms (default 500). */
  initialMs?: number;
  /** Longest delay, in ms (default 30,000). */
  maxMs?: number;
  /** Growth per failed attempt (default 2). */
  factor?: number;
  /** Source of randomness in [0, 1), for tests (default `Math.random`). */
  random?: () => number;
}

export class Backoff {
  private attempt = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 500;
    this.maxMs = options.maxMs ?? 30_000;
    this.factor = options.factor ?? 2;
    this.random = options.random ?? Math.random;
  }

  /** The delay before the next attempt: between half and all of the current ceiling. */
  next(): number {
    const { initialMs: baseMs, maxMs, factor, random } = this;
    return backoffDelay(++this.attempt, { baseMs, maxMs, factor, random });
  }

  /** Called once a connection works again: the next failure starts from `initialMs`. */
  reset(): void {
    this.attempt = 0;
  }
}
