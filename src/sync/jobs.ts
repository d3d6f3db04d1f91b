/**
 * The sync actions. Each is a job in the queue; a job names its action, the thing it works on (its
 * subject, so two workers never work on one trial at once) and a small JSON payload.
 */
import * as z from 'zod';
import { UnknownActionError, ValidationError } from './errors.js';

/** Every action the engine knows. Enqueueing anything else throws {@link UnknownActionError}. */
export const JobAction = {
  /** Create (or find, after an unknown outcome) the MLflow run of a trial. */
  CreateRun: 'run.create',
  /** Push a trial to its run: params once, tags, unacknowledged metric points, status, end time. */
  PushTrial: 'trial.push',
  /** Pull an MLflow run into a trial: import it if new, else pick up status and tag changes. */
  PullRun: 'run.pull',
  /** Import every run of a study's experiment that no trial is linked to yet. */
  ImportExperiment: 'experiment.import',
  /** Set the run's status and end time from the trial. */
  UpdateRunStatus: 'run.status',
} as const;
export type JobAction = (typeof JobAction)[keyof typeof JobAction];

const trialPayload = z.object({ trialId: z.string().min(1) });
/** Payload schema per action; validated at enqueue so a bad job never reaches the queue. */
export const jobPayloadSchemas = {
  [JobAction.CreateRun]: trialPayload,
  [JobAction.PushTrial]: trialPayload,
  [JobAction.UpdateRunStatus]: trialPayload,
  [JobAction.PullRun]: z.object({
    runId: z.string().min(1),
    studyId: z.string().min(1),
    trialId: z.string().min(1).optional(),
  }),
  [JobAction.ImportExperiment]: z.object({ studyId: z.string().min(1) }),
} as const;
export type JobPayload<A extends JobAction> = z.infer<(typeof jobPayloadSchemas)[A]>;

/** Where a job is in its life. Finished jobs are deleted; dead ones stay for inspection. */
export const JobState = { Queued: 'queued', Active: 'active', Dead: 'dead' } as const;
export type JobState = (typeof JobState)[keyof typeof JobState];

/** A job as the store holds it. Times are milliseconds since the epoch. */
export interface JobRecord {
  id: number;
  action: JobAction;
  subject: string;
  payload: Record<string, unknown>;
  state: JobState;
  attempts: number;
  maxAttempts: number;
  runAt: number;
  lastError?: string;
  /** Set while a worker holds the job; completing or failing it needs the same token. */
  leaseToken?: string;
}

/** A job to enqueue. `delayMs` schedules it later; coalescing keeps the earliest time. */
export interface NewJob {
  action: JobAction;
  subject: string;
  payload: Record<string, unknown>;
  maxAttempts: number;
  delayMs?: number;
}

/** True for the names in {@link JobAction}. */
export function isJobAction(action: string): action is JobAction {
  return (Object.values(JobAction) as string[]).includes(action);
}

/**
 * Checks an action and its payload and returns the job's subject: trial actions (and a pull of a
 * linked run) lock the trial, a pull of an unlinked run locks the run, an import locks the study.
 * @throws UnknownActionError, ValidationError
 */
export function describeJob(
  action: string,
  payload: unknown,
): { action: JobAction; subject: string; payload: Record<string, unknown> } {
  if (!isJobAction(action)) throw new UnknownActionError(action);
  const parsed = jobPayloadSchemas[action].safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError(`bad payload for ${action}: ${issue?.message}`, issue?.path.join('.'));
  }
  const data = parsed.data as Record<string, string>;
  const subject =
    action === JobAction.PullRun && !data.trialId
      ? `run:${data.runId}`
      : action === JobAction.ImportExperiment
        ? `study:${data.studyId}`
        : `trial:${data.trialId}`;
  return { action, subject, payload: data };
}
