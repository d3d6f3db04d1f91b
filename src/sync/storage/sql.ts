/**
 * The SQL adapter shared by PGlite and PostgreSQL: one schema, one set of queries. A driver only
 * has to run a query and a transaction.
 */

import type { SeriesSummary, SeriesWindow, SeriesWindowQuery } from '../../protocol/index.js';
import type { JobAction, JobRecord, JobState, NewJob } from '../jobs.js';
import type {
  ColumnarPoints,
  MlflowLink,
  RemoteState,
  SeriesInfo,
  Study,
  SyncState,
  Trial,
  TrialSyncStatus,
} from '../model.js';
import type { Storage, StorageOps } from '../storage.js';
import { CHUNK_POINTS, MIGRATIONS } from './schema.js';
import { readSeriesWindow } from './sql/series-window.js';
import { readSeriesSummaries, updateSeriesSummaries } from './sql/summaries.js';

/** Something that runs one parameterised SQL statement. */
export interface Queryable {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

/** What an adapter gives the shared SQL code: queries, transactions, and a way to close. */
export interface SqlDriver extends Queryable {
  transaction<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** Where several processes share the database: the NOTIFY channel, and a way to LISTEN on it. */
  changes?: { channel: string; listen(onPayload: (payload: string) => void): Promise<() => Promise<void>> };
}

/** Serialises migrations across processes sharing one database. */
const MIGRATION_LOCK = 741_853_021;

async function migrate(driver: SqlDriver): Promise<void> {
  await driver.transaction(async (q) => {
    await q.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await q.query(
      'CREATE TABLE IF NOT EXISTS trialkit_migration (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await q.query<{ v: number | null }>('SELECT max(version) AS v FROM trialkit_migration');
    for (let v = (rows[0]?.v ?? 0) + 1; v <= MIGRATIONS.length; v++) {
      for (const statement of splitStatements(MIGRATIONS[v - 1])) await q.query(statement);
      await q.query('INSERT INTO trialkit_migration (version) VALUES ($1)', [v]);
    }
  });
}

/** Splits a migration into statements (extended-protocol queries take one statement each). */
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*$/m)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter(Boolean);
}

/**
 * Builds a {@link Storage} on a driver that is still starting; every operation waits until the
 * driver is up and the schema migrated.
 */
export function createSqlStorage(
  kind: Storage['kind'],
  open: () => Promise<SqlDriver>,
  options: SqlStorageOptions = {},
): Storage {
  return new SqlStorage(kind, open(), options);
}

export interface SqlStorageOptions {
  /** Keep series summaries on append (default true); off only to measure what they cost. */
  summaries?: boolean;
}

type Run = <T>(fn: (q: Queryable) => Promise<T>) => Promise<T>;
const bound =
  (q: Queryable): Run =>
  (fn) =>
    fn(q);

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

interface TrialRow {
  data: Omit<Trial, 'mlflow'>;
  experiment_id: string | null;
  run_id: string | null;
}
function toTrial(row: TrialRow): Trial {
  const trial: Trial = { ...row.data };
  if (row.experiment_id)
    trial.mlflow = { experimentId: row.experiment_id, ...(row.run_id && { runId: row.run_id }) };
  return trial;
}

/**
 * The queries. `one` runs a single statement; `atomic` runs several in one transaction (inside an
 * open transaction both are that transaction).
 */
class SqlOpsBase implements StorageOps {
  constructor(
    private readonly one: Run,
    private readonly atomic: Run,
    private readonly channel: () => string | undefined,
    private readonly options: SqlStorageOptions,
  ) {}

  private q<R>(text: string, params?: unknown[]): Promise<R[]> {
    return this.one(async (q) => (await q.query<R>(text, params)).rows);
  }

  async upsertStudy(study: Study): Promise<void> {
    await this.q(
      'INSERT INTO study (id, data) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data, updated_at = now()',
      [study.id, JSON.stringify(study)],
    );
  }

  async getStudy(id: string): Promise<Study | undefined> {
    return (await this.q<{ data: Study }>('SELECT data FROM study WHERE id = $1', [id]))[0]?.data;
  }

  async listStudies(): Promise<Study[]> {
    return (await this.q<{ data: Study }>('SELECT data FROM study ORDER BY id')).map((r) => r.data);
  }

  async upsertTrial(trial: Trial): Promise<void> {
    const { mlflow, ...data } = trial;
    await this.q(
      `INSERT INTO trial (id, study_id, number, data, experiment_id, run_id) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET study_id = EXCLUDED.study_id, number = EXCLUDED.number, data = EXCLUDED.data,
         experiment_id = coalesce(EXCLUDED.experiment_id, trial.experiment_id),
         run_id = coalesce(EXCLUDED.run_id, trial.run_id), updated_at = now()`,
      [
        trial.id,
        trial.studyId,
        trial.number,
        JSON.stringify(data),
        mlflow?.experimentId ?? null,
        mlflow?.runId ?? null,
      ],
    );
  }

  async getTrial(id: string): Promise<Trial | undefined> {
    const row = (
      await this.q<TrialRow>('SELECT data, experiment_id, run_id FROM trial WHERE id = $1', [id])
    )[0];
    return row && toTrial(row);
  }

  async listTrials(studyId?: string): Promise<Trial[]> {
    const rows =
      studyId === undefined
        ? await this.q<TrialRow>(
            'SELECT data, experiment_id, run_id FROM trial ORDER BY study_id, number, id',
          )
        : await this.q<TrialRow>(
            'SELECT data, experiment_id, run_id FROM trial WHERE study_id = $1 ORDER BY number, id',
            [studyId],
          );
    return rows.map(toTrial);
  }

  async findTrialByRun(runId: string): Promise<Trial | undefined> {
    const row = (
      await this.q<TrialRow>('SELECT data, experiment_id, run_id FROM trial WHERE run_id = $1', [runId])
    )[0];
    return row && toTrial(row);
  }

  async nextTrialNumber(studyId: string): Promise<number> {
    const rows = await this.q<{ n: number }>(
      'SELECT coalesce(max(number) + 1, 0)::int AS n FROM trial WHERE study_id = $1',
      [studyId],
    );
    return rows[0].n;
  }

  async setRunLink(trialId: string, link: MlflowLink): Promise<void> {
    await this.q('UPDATE trial SET experiment_id = $2, run_id = $3, updated_at = now() WHERE id = $1', [
      trialId,
      link.experimentId,
      link.runId ?? null,
    ]);
  }

  async getRemoteState(trialId: string): Promise<RemoteState | undefined> {
    return (
      (await this.q<{ remote: RemoteState | null }>('SELECT remote FROM trial WHERE id = $1', [trialId]))[0]
        ?.remote ?? undefined
    );
  }

  async setRemoteState(trialId: string, remote: RemoteState): Promise<void> {
    await this.q('UPDATE trial SET remote = $2 WHERE id = $1', [trialId, JSON.stringify(remote)]);
  }

  appendPoints(trialId: string, key: string, points: ColumnarPoints): Promise<number> {
    const n = points.steps.length;
    return this.atomic(async (q) => {
      // Creates the series or locks it (appends to one series are serialised), in one round trip.
      const { rows } = await q.query<{ points: number; chunks: number }>(
        `INSERT INTO metric_series (trial_id, key) VALUES ($1, $2)
         ON CONFLICT (trial_id, key) DO UPDATE SET points = metric_series.points RETURNING points, chunks`,
        [trialId, key],
      );
      let { points: total, chunks } = rows[0];
      let done = 0;
      const room = chunks > 0 ? chunks * CHUNK_POINTS - total : 0;
      if (room > 0 && n > 0) {
        done = Math.min(room, n);
        await q.query(
          `UPDATE metric_chunk SET steps = steps || $4, vals = vals || $5, timestamps = timestamps || $6
           WHERE trial_id = $1 AND key = $2 AND chunk = $3`,
          [trialId, key, chunks - 1, ...columnBytes(points, 0, done)],
        );
      }
      for (; done < n; done += CHUNK_POINTS) {
        const end = Math.min(n, done + CHUNK_POINTS);
        await q.query(
          'INSERT INTO metric_chunk (trial_id, key, chunk, steps, vals, timestamps) VALUES ($1, $2, $3, $4, $5, $6)',
          [trialId, key, chunks++, ...columnBytes(points, done, end)],
        );
      }
      if (this.options.summaries !== false) await updateSeriesSummaries(q, trialId, key, points, total);
      total += n;
      await q.query('UPDATE metric_series SET points = $3, chunks = $4 WHERE trial_id = $1 AND key = $2', [
        trialId,
        key,
        total,
        chunks,
      ]);
      return total;
    });
  }

  async readSeries(trialId: string, key: string, from = 0, to?: number): Promise<ColumnarPoints> {
    const info = (
      await this.q<{ points: number }>('SELECT points FROM metric_series WHERE trial_id = $1 AND key = $2', [
        trialId,
        key,
      ])
    )[0];
    const end = Math.min(to ?? Number.POSITIVE_INFINITY, info?.points ?? 0);
    const length = Math.max(0, end - from);
    const out: ColumnarPoints = {
      steps: new Float64Array(length),
      values: new Float64Array(length),
      timestamps: new Float64Array(length),
    };
    if (length === 0) return out;
    const chunks = await this.q<{
      chunk: number;
      steps: Uint8Array;
      vals: Uint8Array;
      timestamps: Uint8Array;
    }>(
      `SELECT chunk, steps, vals, timestamps FROM metric_chunk
       WHERE trial_id = $1 AND key = $2 AND chunk BETWEEN $3 AND $4 ORDER BY chunk`,
      [trialId, key, Math.floor(from / CHUNK_POINTS), Math.floor((end - 1) / CHUNK_POINTS)],
    );
    for (const c of chunks) {
      const start = c.chunk * CHUNK_POINTS;
      const lo = Math.max(from, start) - start;
      const hi = Math.min(end, start + CHUNK_POINTS) - start;
      const at = start + lo - from;
      out.steps.set(floats(c.steps, lo, hi), at);
      out.values.set(floats(c.vals, lo, hi), at);
      out.timestamps.set(floats(c.timestamps, lo, hi), at);
    }
    return out;
  }

  getSeriesWindow(query: SeriesWindowQuery, signal?: AbortSignal): Promise<SeriesWindow> {
    return this.one((q) => readSeriesWindow(q, query, signal));
  }

  getSeriesSummaries(studyId: string): Promise<SeriesSummary[]> {
    return this.one((q) => readSeriesSummaries(q, studyId));
  }

  async listSeries(trialId: string): Promise<SeriesInfo[]> {
    return this.q<SeriesInfo>(
      'SELECT key, points, acked FROM metric_series WHERE trial_id = $1 ORDER BY key',
      [trialId],
    );
  }

  async setAcked(trialId: string, key: string, acked: number): Promise<void> {
    await this.q('UPDATE metric_series SET acked = greatest(acked, $3) WHERE trial_id = $1 AND key = $2', [
      trialId,
      key,
      acked,
    ]);
  }

  async setSyncState(trialId: string, state: SyncState, error?: string): Promise<void> {
    await this.q(
      `INSERT INTO sync_state (trial_id, state, error) VALUES ($1, $2, $3)
       ON CONFLICT (trial_id) DO UPDATE SET state = EXCLUDED.state, error = EXCLUDED.error, updated_at = now()`,
      [trialId, state, error ?? null],
    );
  }

  async getSyncState(trialId: string): Promise<TrialSyncStatus | undefined> {
    const row = (
      await this.q<SyncRow>('SELECT trial_id, state, error FROM sync_state WHERE trial_id = $1', [trialId])
    )[0];
    return row && toSyncStatus(row);
  }

  async listSyncStates(): Promise<TrialSyncStatus[]> {
    return (await this.q<SyncRow>('SELECT trial_id, state, error FROM sync_state ORDER BY trial_id')).map(
      toSyncStatus,
    );
  }

  async enqueueJob(job: NewJob): Promise<{ id: number; coalesced: boolean }> {
    // A burst of changes merges into the one queued job; a job backing off after a failure keeps
    // its time, so a stream of appends cannot hammer an MLflow that is down.
    const rows = await this.q<{ id: number; coalesced: boolean }>(
      `INSERT INTO job (action, subject, payload, state, max_attempts, run_at)
       VALUES ($1, $2, $3, 'queued', $4, now() + $5 * interval '1 millisecond')
       ON CONFLICT (subject, action) WHERE state = 'queued' DO UPDATE SET
         run_at = CASE WHEN job.attempts = 0 THEN least(job.run_at, EXCLUDED.run_at) ELSE job.run_at END,
         payload = EXCLUDED.payload, updated_at = now()
       RETURNING id, (xmax <> 0) AS coalesced`,
      [job.action, job.subject, JSON.stringify(job.payload), job.maxAttempts, job.delayMs ?? 0],
    );
    return rows[0];
  }

  claimJob(leaseMs: number): Promise<JobRecord | undefined> {
    return this.atomic(async (q) => {
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
  }

  async renewLease(id: number, token: string, leaseMs: number): Promise<boolean> {
    const rows = await this.q(
      `UPDATE job SET lease_until = now() + $3 * interval '1 millisecond' WHERE id = $1 AND lease_token = $2 AND state = 'active' RETURNING id`,
      [id, token, leaseMs],
    );
    return rows.length === 1;
  }

  async completeJob(id: number, token: string): Promise<boolean> {
    return (
      (
        await this.q(`DELETE FROM job WHERE id = $1 AND lease_token = $2 AND state = 'active' RETURNING id`, [
          id,
          token,
        ])
      ).length === 1
    );
  }

  retryJobLater(id: number, token: string, delayMs: number, error: string): Promise<boolean> {
    return this.atomic(async (q) => {
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
  }

  async killJob(id: number, token: string, error: string): Promise<boolean> {
    const rows = await this.q(
      `UPDATE job SET state = 'dead', last_error = $3, lease_token = NULL, lease_until = NULL, updated_at = now()
       WHERE id = $1 AND lease_token = $2 AND state = 'active' RETURNING id`,
      [id, token, error],
    );
    return rows.length === 1;
  }

  retryDeadJob(id: number): Promise<boolean> {
    return this.atomic(async (q) => {
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
  }

  async listJobs(state?: JobState): Promise<JobRecord[]> {
    const rows =
      state === undefined
        ? await this.q<JobRow>(`SELECT ${JOB_COLUMNS} FROM job ORDER BY id`)
        : await this.q<JobRow>(`SELECT ${JOB_COLUMNS} FROM job WHERE state = $1 ORDER BY id`, [state]);
    return rows.map(toJob);
  }

  async hasQueuedJob(subject: string): Promise<boolean> {
    return (
      (await this.q(`SELECT 1 FROM job WHERE subject = $1 AND state = 'queued' LIMIT 1`, [subject])).length >
      0
    );
  }

  async countPendingJobs(): Promise<number> {
    return (
      await this.q<{ n: number }>(`SELECT count(*)::int AS n FROM job WHERE state IN ('queued', 'active')`)
    )[0].n;
  }

  async notifyChanges(payloads: string[]): Promise<void> {
    const channel = this.channel();
    if (!channel || payloads.length === 0) return;
    await this.q('SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p', [channel, payloads]);
  }

  async msUntilNextJob(): Promise<number | undefined> {
    const rows = await this.q<{ ms: number | null }>(
      `SELECT greatest(0, extract(epoch FROM min(run_at) - now()) * 1000)::float8 AS ms FROM job WHERE state = 'queued'`,
    );
    return rows[0].ms ?? undefined;
  }
}

class SqlStorage extends SqlOpsBase implements Storage {
  private readonly driver: Promise<SqlDriver>;
  private readonly channelOf: () => string | undefined;

  constructor(
    readonly kind: Storage['kind'],
    opening: Promise<SqlDriver>,
    private readonly sqlOptions: SqlStorageOptions,
  ) {
    let channel: string | undefined;
    const driver = opening.then(async (d) => {
      await migrate(d);
      channel = d.changes?.channel;
      return d;
    });
    driver.catch(() => {}); // surfaced by the first operation
    const channelOf = () => channel;
    super(
      async (fn) => fn(await driver),
      async (fn) => (await driver).transaction(fn),
      channelOf,
      sqlOptions,
    );
    this.driver = driver;
    this.channelOf = channelOf;
  }

  async ready(): Promise<void> {
    await this.driver;
  }

  async transaction<T>(fn: (tx: StorageOps) => Promise<T>): Promise<T> {
    return (await this.driver).transaction((q) =>
      fn(new SqlOpsBase(bound(q), bound(q), this.channelOf, this.sqlOptions)),
    );
  }

  async listenChanges(onChange: (payload: string) => void): Promise<(() => Promise<void>) | undefined> {
    return (await this.driver).changes?.listen(onChange);
  }

  async close(): Promise<void> {
    const driver = await this.driver.catch(() => undefined);
    await driver?.close();
  }
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

interface SyncRow {
  trial_id: string;
  state: SyncState;
  error: string | null;
}
function toSyncStatus(row: SyncRow): TrialSyncStatus {
  return { trialId: row.trial_id, state: row.state, ...(row.error != null && { error: row.error }) };
}

/** The three columns of points `[from, to)`, as little-endian float64 bytes. */
function columnBytes(p: ColumnarPoints, from: number, to: number): [Uint8Array, Uint8Array, Uint8Array] {
  return [
    bytes(p.steps.subarray(from, to)),
    bytes(p.values.subarray(from, to)),
    bytes(p.timestamps.subarray(from, to)),
  ];
}
function bytes(a: Float64Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
/** Floats `[lo, hi)` of a stored column; copies, as drivers may hand back unaligned buffers. */
function floats(b: Uint8Array, lo: number, hi: number): Float64Array {
  return new Float64Array(b.buffer.slice(b.byteOffset + lo * 8, b.byteOffset + hi * 8));
}
