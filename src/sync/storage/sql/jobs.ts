/**
 * The job queue: enqueue with coalescing, claim under a lease with one worker per subject across
 * processes (`FOR UPDATE SKIP LOCKED` plus an advisory lock), renew, complete, retry, dead-letter.
 */
import type { JobAction, JobRecord, JobState, NewJob } from '../../jobs.js';
import type { StorageOps } from '../../storage.js';
import { type Db, type Queryable, rowsOf } from './driver.js';

interface JobRow {
  id: number;
  action: string;
  subject: string;
  payload: Record<string, unknown>;
  state: string;
  attempts: number;
  max_attempts: number;
  run_at: number;
  last_error: string | null;
  lease_token: string | null;
}
const JOB_COLUMNS =
  'id, action, subject, payload, state, attempts, max_attempts, (extract(epoch FROM run_at) * 1000)::float8 AS run_at, last_error, lease_token';

function toJob(row: JobRow): JobRecord {
  return {
    id: row.id,
    action: row.action as JobAction,
    subject: row.subject,
    payload: row.payload,
    state: row.state as JobState,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    runAt: row.run_at,
    ...(row.last_error != null && { lastError: row.last_error }),
    ...(row.lease_token != null && { leaseToken: row.lease_token }),
  };
}

/** The queue queries of a {@link StorageOps}. */
export type JobQueries = Pick<
  StorageOps,
  | 'enqueueJob'
  | 'enqueueJobs'
  | 'claimJob'
  | 'renewLease'
  | 'completeJob'
  | 'retryJobLater'
  | 'killJob'
  | 'retryDeadJob'
  | 'listJobs'
  | 'hasQueuedJob'
  | 'countPendingJobs'
  | 'msUntilNextJob'
>;

export function jobQueries(db: Db): JobQueries {
  const q = rowsOf(db);
  const { atomic } = db;
  return {
    async enqueueJob(job: NewJob): Promise<{ id: number; coalesced: boolean }> {
      // A burst of changes merges into the one queued job; a job backing off after a failure keeps
      // its time, so a stream of appends cannot hammer an MLflow that is down.
      const rows = await q<{ id: number; coalesced: boolean }>(
        `INSERT INTO job (action, subject, payload, state, max_attempts, run_at)
       VALUES ($1, $2, $3, 'queued', $4, now() + $5 * interval '1 millisecond')
       ON CONFLICT (subject, action) WHERE state = 'queued' DO UPDATE SET
         run_at = CASE WHEN job.attempts = 0 THEN least(job.run_at, EXCLUDED.run_at) ELSE job.run_at END,
         payload = EXCLUDED.payload, updated_at = now()
       RETURNING id, (xmax <> 0) AS coalesced`,
        [job.action, job.subject, JSON.stringify(job.payload), job.maxAttempts, job.delayMs ?? 0],
      );
      return rows[0];
    },

    async enqueueJobs(jobs: readonly NewJob[]): Promise<{ id: number; coalesced: boolean }[]> {
      if (jobs.length === 0) return [];
      // In subject order, so processes queueing for the same trials do not deadlock.
      const order = jobs.map((_, i) => i).sort((a, b) => (jobs[a].subject < jobs[b].subject ? -1 : 1));
      const rows = await q<{ id: number; action: string; subject: string; coalesced: boolean }>(
        `INSERT INTO job (action, subject, payload, state, max_attempts, run_at)
       SELECT u.action, u.subject, u.payload::jsonb, 'queued', u.max_attempts, now() + u.delay * interval '1 millisecond'
       FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::float8[]) WITH ORDINALITY
         AS u(action, subject, payload, max_attempts, delay, ord)
       ORDER BY u.ord
       ON CONFLICT (subject, action) WHERE state = 'queued' DO UPDATE SET
         run_at = CASE WHEN job.attempts = 0 THEN least(job.run_at, EXCLUDED.run_at) ELSE job.run_at END,
         payload = EXCLUDED.payload, updated_at = now()
       RETURNING id, action, subject, (xmax <> 0) AS coalesced`,
        [
          order.map((i) => jobs[i].action),
          order.map((i) => jobs[i].subject),
          order.map((i) => JSON.stringify(jobs[i].payload)),
          order.map((i) => jobs[i].maxAttempts),
          order.map((i) => jobs[i].delayMs ?? 0),
        ],
      );
      const byJob = new Map(rows.map((r) => [`${r.action}\u0000${r.subject}`, r]));
      return jobs.map((j) => {
        const r = byJob.get(`${j.action}\u0000${j.subject}`) as (typeof rows)[number];
        return { id: r.id, coalesced: r.coalesced };
      });
    },

    claimJob(leaseMs: number): Promise<JobRecord | undefined> {
      return atomic(async (q) => {
        await reapExpiredLeases(q);
        const { rows: due } = await q.query<{ id: number; subject: string }>(
          `SELECT id, subject FROM job WHERE state = 'queued' AND run_at <= now()
         ORDER BY run_at, id LIMIT 16 FOR UPDATE SKIP LOCKED`,
        );
        for (const { id, subject } of due) {
          // The advisory lock (held to commit) plus the re-check make "one worker per subject" hold
          // across processes even when two claimers race for different jobs of one trial.
          const { rows: lock } = await q.query<{ ok: boolean }>(
            "SELECT pg_try_advisory_xact_lock(hashtext('trialkit:' || $1)) AS ok",
            [subject],
          );
          if (!lock[0].ok) continue;
          const { rows: busy } = await q.query(
            `SELECT 1 FROM job WHERE subject = $1 AND state = 'active' LIMIT 1`,
            [subject],
          );
          if (busy.length) continue;
          const { rows } = await q.query<JobRow>(
            `UPDATE job SET state = 'active', attempts = attempts + 1, lease_token = $2,
             lease_until = now() + $3 * interval '1 millisecond', updated_at = now()
           WHERE id = $1 RETURNING ${JOB_COLUMNS}`,
            [id, crypto.randomUUID(), leaseMs],
          );
          return toJob(rows[0]);
        }
        return undefined;
      });
    },

    async renewLease(id: number, token: string, leaseMs: number): Promise<boolean> {
      const rows = await q(
        `UPDATE job SET lease_until = now() + $3 * interval '1 millisecond' WHERE id = $1 AND lease_token = $2 AND state = 'active' RETURNING id`,
        [id, token, leaseMs],
      );
      return rows.length === 1;
    },

    async completeJob(id: number, token: string): Promise<boolean> {
      return (
        (
          await q(`DELETE FROM job WHERE id = $1 AND lease_token = $2 AND state = 'active' RETURNING id`, [
            id,
            token,
          ])
        ).length === 1
      );
    },

    retryJobLater(id: number, token: string, delayMs: number, error: string): Promise<boolean> {
      return atomic(async (q) => {
        const { rows } = await q.query<{ subject: string; action: string; attempts: number }>(
          `SELECT subject, action, attempts FROM job WHERE id = $1 AND lease_token = $2 AND state = 'active' FOR UPDATE`,
          [id, token],
        );
        if (!rows.length) return false;
        const { subject, action, attempts } = rows[0];
        // A change queued meanwhile already covers this job's work: fold the retry into it.
        const merged = await q.query(
          `UPDATE job SET attempts = greatest(attempts, $3), run_at = greatest(run_at, now() + $4 * interval '1 millisecond'),
           last_error = $5, updated_at = now()
         WHERE subject = $1 AND action = $2 AND state = 'queued' RETURNING id`,
          [subject, action, attempts, delayMs, error],
        );
        if (merged.rows.length) {
          await q.query('DELETE FROM job WHERE id = $1', [id]);
        } else {
          await q.query(
            `UPDATE job SET state = 'queued', run_at = now() + $2 * interval '1 millisecond', last_error = $3,
             lease_token = NULL, lease_until = NULL, updated_at = now() WHERE id = $1`,
            [id, delayMs, error],
          );
        }
        return true;
      });
    },

    async killJob(id: number, token: string, error: string): Promise<boolean> {
      const rows = await q(
        `UPDATE job SET state = 'dead', last_error = $3, lease_token = NULL, lease_until = NULL, updated_at = now()
       WHERE id = $1 AND lease_token = $2 AND state = 'active' RETURNING id`,
        [id, token, error],
      );
      return rows.length === 1;
    },

    retryDeadJob(id: number): Promise<boolean> {
      return atomic(async (q) => {
        const { rows } = await q.query<{ subject: string; action: string }>(
          `SELECT subject, action FROM job WHERE id = $1 AND state = 'dead' FOR UPDATE`,
          [id],
        );
        if (!rows.length) return false;
        const sibling = await q.query(
          `SELECT 1 FROM job WHERE subject = $1 AND action = $2 AND state = 'queued'`,
          [rows[0].subject, rows[0].action],
        );
        if (sibling.rows.length) {
          await q.query('DELETE FROM job WHERE id = $1', [id]);
        } else {
          await q.query(
            `UPDATE job SET state = 'queued', attempts = 0, run_at = now(), updated_at = now() WHERE id = $1`,
            [id],
          );
        }
        return true;
      });
    },

    async listJobs(state?: JobState): Promise<JobRecord[]> {
      const rows =
        state === undefined
          ? await q<JobRow>(`SELECT ${JOB_COLUMNS} FROM job ORDER BY id`)
          : await q<JobRow>(`SELECT ${JOB_COLUMNS} FROM job WHERE state = $1 ORDER BY id`, [state]);
      return rows.map(toJob);
    },

    async hasQueuedJob(subject: string): Promise<boolean> {
      return (
        (await q(`SELECT 1 FROM job WHERE subject = $1 AND state = 'queued' LIMIT 1`, [subject])).length > 0
      );
    },

    async countPendingJobs(): Promise<number> {
      return (
        await q<{ n: number }>(`SELECT count(*)::int AS n FROM job WHERE state IN ('queued', 'active')`)
      )[0].n;
    },

    async msUntilNextJob(): Promise<number | undefined> {
      // Clamped here, not with SQL's greatest(), which ignores NULL: an empty queue read as "a job
      // due now", and an idle worker polled every 5 ms.
      const rows = await q<{ ms: number | null }>(
        `SELECT (extract(epoch FROM min(run_at) - now()) * 1000)::float8 AS ms FROM job WHERE state = 'queued'`,
      );
      const ms = rows[0].ms;
      return ms === null ? undefined : Math.max(0, ms);
    },
  };
}

/** A worker that died leaves its job active; once the lease runs out the job is due again. */
async function reapExpiredLeases(q: Queryable): Promise<void> {
  await q.query(
    `DELETE FROM job j WHERE state = 'active' AND lease_until < now()
       AND EXISTS (SELECT 1 FROM job s WHERE s.subject = j.subject AND s.action = j.action AND s.state = 'queued')`,
  );
  await q.query(
    `UPDATE job SET state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'queued' END, run_at = now(),
       last_error = 'lease expired: the worker holding the job stopped answering', lease_token = NULL, lease_until = NULL, updated_at = now()
     WHERE state = 'active' AND lease_until < now()`,
  );
}
