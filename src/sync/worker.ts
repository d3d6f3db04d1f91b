/**
 * Works the job queue: claims due jobs under a lease (renewed while the job runs, so only a dead
 * worker's job is taken over), runs them, and on failure retries with exponential backoff and
 * jitter or, for a permanent failure or the last attempt, moves the job to the dead-letter state.
 */
import { backoffDelay, MlflowError } from '../mlflow/index.js';
import { SyncError } from './errors.js';
import type { JobRecord } from './jobs.js';
import type { Storage } from './storage.js';

/** How failed jobs are retried. */
export interface RetryPolicy {
  /** Attempts in total, the first included. Default 8. */
  maxAttempts: number;
  /** Delay before the first retry, doubled for each further one. Default 1 s. */
  baseDelayMs: number;
  /** Upper bound of one delay. Default 5 min. */
  maxDelayMs: number;
}

export const DEFAULT_JOB_RETRY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 1000, maxDelayMs: 300_000 };

export interface WorkerOptions {
  /** Jobs worked at once by this process. Default 4. */
  concurrency: number;
  /** How long a claimed job stays ours without renewal. Default 30 s. */
  leaseMs: number;
  /** How often an idle worker looks for due jobs (other processes' jobs, scheduled ones). Default 500 ms. */
  pollIntervalMs: number;
  retry: RetryPolicy;
}

/** What the worker reports, so the engine can publish sync states. */
export interface WorkerHooks {
  /** Does the job; `signal` aborts when the lease is lost (another worker may hold the job now). */
  run(job: JobRecord, signal: AbortSignal): Promise<void>;
  onClaimed(job: JobRecord): Promise<void>;
  onDone(job: JobRecord): Promise<void>;
  onFailed(job: JobRecord, error: string, dead: boolean): Promise<void>;
}

/**
 * Failures that no retry can fix: MLflow errors it marks not `retryable` (bad input, a refused
 * request), and the engine's own errors (a missing entity, a permanent job failure).
 */
export function isPermanent(err: unknown): boolean {
  if (err instanceof MlflowError) return !err.retryable;
  return err instanceof SyncError;
}

/** Why a job's work was aborted: this worker no longer holds its lease. */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}

export class Worker {
  private running = false;
  private readonly slots = new Set<Promise<void>>();
  /** The idle loops' early wake-ups; each leaves the set when its wait ends. */
  private readonly sleepers = new Set<() => void>();

  constructor(
    private readonly storage: Storage,
    private readonly hooks: WorkerHooks,
    private readonly options: WorkerOptions,
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  /** Starts `concurrency` claim loops. */
  start(): void {
    if (this.running) return;
    this.running = true;
    for (let i = 0; i < this.options.concurrency; i++) {
      const slot = this.loop().finally(() => this.slots.delete(slot));
      this.slots.add(slot);
    }
  }

  /** Wakes idle loops at once (a job was just queued in this process). */
  wake(): void {
    for (const wakeUp of this.sleepers) wakeUp();
  }

  /** Stops claiming and resolves when the jobs in hand are finished. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await Promise.all(this.slots);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let job: JobRecord | undefined;
      try {
        job = await this.storage.claimJob(this.options.leaseMs);
      } catch {
        // The store is briefly unreachable (or closing): look again after the poll interval.
      }
      if (job) await this.work(job);
      else await this.idle();
    }
  }

  private async idle(): Promise<void> {
    const next = await this.storage.msUntilNextJob().catch(() => undefined);
    const wait = Math.max(5, Math.min(this.options.pollIntervalMs, next ?? Number.POSITIVE_INFINITY));
    // A wait that times out removes its wake-up: an idle worker holds one per loop, not one per poll.
    await new Promise<void>((resolve) => {
      const wakeUp = () => {
        clearTimeout(timer);
        this.sleepers.delete(wakeUp);
        resolve();
      };
      const timer = setTimeout(wakeUp, wait);
      this.sleepers.add(wakeUp);
    });
  }

  private async work(job: JobRecord): Promise<void> {
    const token = job.leaseToken as string;
    const lease = this.holdLease(job);
    try {
      await this.hooks.onClaimed(job);
      await this.hooks.run(job, lease.signal);
      lease.release();
      if (await this.storage.completeJob(job.id, token)) await this.hooks.onDone(job);
    } catch (err) {
      lease.release();
      // A lost lease is not the job's failure: whoever holds the job now reports on it.
      if (lease.signal.aborted) return;
      await this.fail(job, err).catch(() => {
        // The store failed too: the lease runs out and the job is claimed again.
      });
    }
  }

  /**
   * Renews the job's lease every third of its length. A renewal that fails, or comes too late
   * (the event loop stalled past the lease), aborts the signal: another worker may have the job.
   */
  private holdLease(job: JobRecord): { signal: AbortSignal; release(): void } {
    const { leaseMs } = this.options;
    const controller = new AbortController();
    const lose = (why: string) => {
      clearInterval(timer);
      controller.abort(new LeaseLostError(`lost the lease of job ${job.id}: ${why}`));
    };
    let renewedAt = Date.now();
    const timer = setInterval(() => {
      const startedAt = Date.now();
      if (startedAt - renewedAt >= leaseMs) return lose(`not renewed for ${startedAt - renewedAt} ms`);
      this.storage.renewLease(job.id, job.leaseToken as string, leaseMs).then(
        (kept) => {
          if (!kept) lose('another worker holds it');
          else renewedAt = startedAt;
        },
        (err: unknown) => lose(`renewal failed (${(err as Error).message})`),
      );
    }, leaseMs / 3);
    return { signal: controller.signal, release: () => clearInterval(timer) };
  }

  private async fail(job: JobRecord, err: unknown): Promise<void> {
    const token = job.leaseToken as string;
    const { retry } = this.options;
    const message = describeError(err);
    const dead = isPermanent(err) || job.attempts >= job.maxAttempts;
    const kept = dead
      ? await this.storage.killJob(job.id, token, message)
      : await this.storage.retryJobLater(
          job.id,
          token,
          backoffDelay(job.attempts, { baseMs: retry.baseDelayMs, maxMs: retry.maxDelayMs }),
          message,
        );
    if (kept) await this.hooks.onFailed(job, message, dead);
  }
}

function describeError(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? ` (cause: ${err.cause.message})` : '';
    return `${err.name}: ${err.message}${cause}`;
  }
  return String(err);
}
