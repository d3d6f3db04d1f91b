/**
 * Queues jobs and publishes each trial's sync state as its jobs move: `pending` when queued,
 * `syncing` when claimed, `synced`, `retrying` or `dead` when done; `disabled` with sync off.
 */
import type { SyncState } from '../../protocol/index.js';
import type { Write, WriteScope } from '../change-feed.js';
import { describeJob, type JobRecord } from '../jobs.js';
import type { Storage } from '../storage.js';
import type { RetryPolicy, WorkerHooks } from '../worker.js';

/** Options of {@link SyncEngine.enqueue}. */
export interface EnqueueOptions {
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
  /** Overrides the engine's `retry.maxAttempts` for this job. */
  maxAttempts?: number;
}

/** What progress tracking works with. */
export interface ProgressDeps {
  storage: Storage;
  /** The engine's write pipeline, for states published outside a write (the worker's hooks). */
  write: Write;
  /** Whether sync is on; when off, new trials are marked `disabled` and nothing is queued. */
  enabled: boolean;
  /** Queue a push of a trial with every change to it. */
  autoSync: boolean;
  retry: RetryPolicy;
}

/** The trial a job subject names, if it names one (`trial:<id>`). */
function subjectTrial(subject: string): string | undefined {
  return subject.startsWith('trial:') ? subject.slice('trial:'.length) : undefined;
}

export class SyncProgress {
  constructor(private readonly deps: ProgressDeps) {}

  /** Records a trial's sync state and emits `sync.state`. */
  async setState(scope: WriteScope, trialId: string, state: SyncState, error?: string): Promise<void> {
    await scope.tx.setSyncState(trialId, state, error);
    scope.emit({ type: 'sync.state', trialId, state, ...(error !== undefined && { error }) });
  }

  /** Queues a job in the write's transaction; a trial's newly queued job makes it `pending`. */
  async enqueue(
    scope: WriteScope,
    action: string,
    payload: Record<string, unknown>,
    options: EnqueueOptions = {},
  ): Promise<{ id: number; coalesced: boolean }> {
    const job = describeJob(action, payload);
    const result = await scope.tx.enqueueJob({
      ...job,
      maxAttempts: options.maxAttempts ?? this.deps.retry.maxAttempts,
      delayMs: options.delayMs,
    });
    const trialId = subjectTrial(job.subject);
    if (trialId && !result.coalesced) await this.setState(scope, trialId, 'pending');
    return result;
  }

  /** After a trial changed: queue its push (autoSync) or mark it unsynced (disabled). */
  async afterChange(scope: WriteScope, trialId: string, isNew: boolean): Promise<void> {
    if (!this.deps.enabled) {
      if (isNew) await this.setState(scope, trialId, 'disabled');
    } else if (this.deps.autoSync) {
      await this.enqueue(scope, 'trial.push', { trialId });
    }
  }

  /** {@link afterChange} for many existing trials at once (a group of appends), their pushes queued in one statement. */
  async afterChangeMany(scope: WriteScope, trialIds: readonly string[]): Promise<void> {
    if (!this.deps.enabled || !this.deps.autoSync || trialIds.length === 0) return;
    const jobs = trialIds.map((trialId) => ({
      ...describeJob('trial.push', { trialId }),
      maxAttempts: this.deps.retry.maxAttempts,
    }));
    const results = await scope.tx.enqueueJobs(jobs);
    for (const [i, result] of results.entries())
      if (!result.coalesced) await this.setState(scope, trialIds[i], 'pending');
  }

  /** The worker's hooks: `run` does the job, the others publish the state of the job's trial. */
  workerHooks(run: WorkerHooks['run']): WorkerHooks {
    return {
      run,
      onClaimed: (job) => this.jobState(job, 'syncing'),
      onDone: async (job) => {
        if (!subjectTrial(job.subject)) return;
        const more = await this.deps.storage.hasQueuedJob(job.subject);
        await this.jobState(job, more ? 'pending' : 'synced');
      },
      onFailed: (job, error, dead) => this.jobState(job, dead ? 'dead' : 'retrying', error),
    };
  }

  /** Sets the state of the job's trial in a write of its own (nothing, for a job of no trial). */
  async jobState(job: JobRecord, state: SyncState, error?: string): Promise<void> {
    const trialId = subjectTrial(job.subject);
    if (trialId) await this.deps.write((scope) => this.setState(scope, trialId, state, error));
  }
}
