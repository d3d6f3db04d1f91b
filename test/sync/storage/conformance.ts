// One conformance suite for every storage adapter: the same tests, unchanged, against memory,
// PGlite (in memory and in a directory) and PostgreSQL.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ColumnarPoints, Storage, Study, Trial } from '../../../src/sync/index.js';

let counter = 0;
/** Ids unique within a run, so tests sharing one store never see each other's rows. */
export const uid = (prefix: string) => `${prefix}-${++counter}-${randomUUID().slice(0, 8)}`;

export function study(id = uid('study'), extra: Partial<Study> = {}): Study {
  return { id, name: `study ${id}`, status: 'running', createdAt: 1_700_000_000_000, tags: {}, ...extra };
}

export function trial(studyId: string, number: number, extra: Partial<Trial> = {}): Trial {
  return {
    id: uid('trial'),
    studyId,
    number,
    status: 'running',
    params: { lr: 0.01 },
    tags: { team: 'a' },
    flags: [],
    ...extra,
  };
}

/** `n` points starting at step `from`, with NaN and ±Infinity mixed in. */
export function points(n: number, from = 0): ColumnarPoints {
  const p: ColumnarPoints = {
    steps: new Float64Array(n),
    values: new Float64Array(n),
    timestamps: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const step = from + i;
    p.steps[i] = step;
    p.values[i] =
      step % 997 === 5
        ? Number.NaN
        : step % 1009 === 7
          ? Number.POSITIVE_INFINITY
          : step % 1013 === 9
            ? -Infinity
            : Math.sin(step) * step;
    p.timestamps[i] = 1_700_000_000_000 + step;
  }
  return p;
}

/** Bit-for-bit equality of two series (NaN included); `toEqual` on a million floats is slow. */
export function sameColumns(a: ColumnarPoints, b: ColumnarPoints): boolean {
  const bytes = (x: Float64Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
  return (
    bytes(a.steps).equals(bytes(b.steps)) &&
    bytes(a.values).equals(bytes(b.values)) &&
    bytes(a.timestamps).equals(bytes(b.timestamps))
  );
}

function concat(a: ColumnarPoints, b: ColumnarPoints): ColumnarPoints {
  const join = (x: Float64Array, y: Float64Array) => {
    const out = new Float64Array(x.length + y.length);
    out.set(x);
    out.set(y, x.length);
    return out;
  };
  return {
    steps: join(a.steps, b.steps),
    values: join(a.values, b.values),
    timestamps: join(a.timestamps, b.timestamps),
  };
}

/** Registers the suite for one adapter. `open` makes a fresh, empty store. */
export function describeStorageConformance(
  name: string,
  open: () => Promise<Storage> | Storage,
  cleanup?: () => Promise<void>,
) {
  describe(`storage conformance: ${name}`, () => {
    let store: Storage;
    beforeAll(async () => {
      store = await open();
      await store.ready();
    });
    afterAll(async () => {
      await store?.close();
      await cleanup?.();
    });

    /** Leaves the queue empty of due jobs other tests could claim. */
    async function clearQueue() {
      for (let job = await store.claimJob(60_000); job; job = await store.claimJob(60_000)) {
        await store.completeJob(job.id, job.leaseToken as string);
      }
    }

    it('lists what changed lately, by the database clock, and every series length (a catch-up)', async () => {
      const s = study();
      await store.upsertStudy(s);
      const t = trial(s.id, 0);
      await store.upsertTrial(t);
      await store.setSyncState(t.id, 'pending');
      await store.appendPoints(t.id, 'loss', points(5));
      const changes = await store.changesWithin(60_000);
      expect(changes.studies.map((x) => x.id)).toContain(s.id);
      expect(changes.trials.find((x) => x.id === t.id)).toEqual(t);
      expect(changes.syncStates).toContainEqual({ trialId: t.id, state: 'pending' });
      expect(changes.series).toContainEqual({ trialId: t.id, key: 'loss', points: 5 });
      // Changed before the window: not listed (series always are).
      await new Promise((resolve) => setTimeout(resolve, 50));
      const none = await store.changesWithin(10);
      expect(none.trials.map((x) => x.id)).not.toContain(t.id);
      expect(none.series).toContainEqual({ trialId: t.id, key: 'loss', points: 5 });
    });

    it('stores, replaces and lists studies', async () => {
      const s = study();
      await store.upsertStudy(s);
      await store.upsertStudy({ ...s, status: 'completed', mlflow: { experimentId: '7' } });
      expect(await store.getStudy(s.id)).toEqual({
        ...s,
        status: 'completed',
        mlflow: { experimentId: '7' },
      });
      expect((await store.listStudies()).map((x) => x.id)).toContain(s.id);
      expect(await store.getStudy('missing')).toBeUndefined();
    });

    it("keeps a trial's star and comments, hostile text as it was written", async () => {
      const s = study();
      await store.upsertStudy(s);
      const comments = [
        { id: 'c1', author: 'ana', text: '<img src=x onerror=alert(1)> "quoted" ✓', createdAt: 1 },
        { id: 'c2', author: 'bo', text: 'lr drop here', createdAt: 2, editedAt: 3, step: 3000, key: 'loss' },
      ];
      const t = trial(s.id, 0, { starred: true, comments, tags: { candidate: '' } });
      await store.upsertTrial(t);
      expect(await store.getTrial(t.id)).toEqual(t);
    });

    it('stores trials by study and number, and keeps a run link navigable both ways', async () => {
      const s = study();
      await store.upsertStudy(s);
      const t1 = trial(s.id, 1, {
        params: { lr: 0.1, depth: 3, bn: true },
        flags: ['spectral_norm'],
        notes: 'n',
      });
      const t0 = trial(s.id, 0);
      await store.upsertTrial(t1);
      await store.upsertTrial(t0);
      expect(await store.getTrial(t1.id)).toEqual(t1);
      expect((await store.listTrials(s.id)).map((t) => t.id)).toEqual([t0.id, t1.id]);
      expect(await store.nextTrialNumber(s.id)).toBe(2);
      expect(await store.nextTrialNumber(uid('empty'))).toBe(0);

      const runId = uid('run');
      await store.setRunLink(t0.id, { experimentId: '3', runId });
      expect((await store.getTrial(t0.id))?.mlflow).toEqual({ experimentId: '3', runId });
      expect((await store.findTrialByRun(runId))?.id).toBe(t0.id);
      // An update without a link keeps the stored one.
      await store.upsertTrial({ ...t0, status: 'succeeded' });
      expect(await store.getTrial(t0.id)).toEqual({
        ...t0,
        status: 'succeeded',
        mlflow: { experimentId: '3', runId },
      });
    });

    it('keeps what MLflow acknowledged for a trial', async () => {
      const s = study();
      await store.upsertStudy(s);
      const t = trial(s.id, 0);
      await store.upsertTrial(t);
      expect(await store.getRemoteState(t.id)).toBeUndefined();
      const remote = { params: { lr: '0.01' }, tags: { a: 'b' }, status: 'RUNNING', endTime: 5 };
      await store.setRemoteState(t.id, remote);
      expect(await store.getRemoteState(t.id)).toEqual(remote);
    });

    it('appends a million points in bulk and reads the series back exactly', async () => {
      const s = study();
      await store.upsertStudy(s);
      const t = trial(s.id, 0);
      await store.upsertTrial(t);
      const million = points(1_000_000);
      expect(await store.appendPoints(t.id, 'loss', million)).toBe(1_000_000);
      const back = await store.readSeries(t.id, 'loss');
      expect(sameColumns(back, million)).toBe(true);
      expect(await store.listSeries(t.id)).toEqual([{ key: 'loss', points: 1_000_000, acked: 0 }]);
    }, 120_000);

    it('appends across chunk boundaries and reads any range', async () => {
      const s = study();
      await store.upsertStudy(s);
      const t = trial(s.id, 0);
      await store.upsertTrial(t);
      let all = points(0);
      for (const [n, from] of [
        [3, 0],
        [4000, 3],
        [1, 4003],
        [9000, 4004],
        [0, 13004],
        [200, 13004],
      ]) {
        const batch = points(n, from);
        await store.appendPoints(t.id, 'acc', batch);
        all = concat(all, batch);
      }
      expect((await store.readSeries(t.id, 'acc')).values).toEqual(all.values);
      for (const [from, to] of [
        [0, 1],
        [4090, 4100],
        [4096, 8192],
        [8191, 13204],
        [13200, 99_999],
      ]) {
        const part = await store.readSeries(t.id, 'acc', from, to);
        expect(part.steps).toEqual(all.steps.slice(from, to));
        expect(part.values).toEqual(all.values.slice(from, to));
      }
      expect((await store.readSeries(t.id, 'nope')).steps.length).toBe(0);
    });

    it('records acknowledged points and never lowers the count', async () => {
      const s = study();
      await store.upsertStudy(s);
      const t = trial(s.id, 0);
      await store.upsertTrial(t);
      await store.appendPoints(t.id, 'a', points(10));
      await store.appendPoints(t.id, 'b', points(5));
      await store.setAcked(t.id, 'a', 7);
      await store.setAcked(t.id, 'a', 3);
      expect(await store.listSeries(t.id)).toEqual([
        { key: 'a', points: 10, acked: 7 },
        { key: 'b', points: 5, acked: 0 },
      ]);
    });

    it('keeps a sync state per trial', async () => {
      const id = uid('trial');
      await store.setSyncState(id, 'retrying', 'boom');
      expect(await store.getSyncState(id)).toEqual({ trialId: id, state: 'retrying', error: 'boom' });
      await store.setSyncState(id, 'synced');
      expect(await store.getSyncState(id)).toEqual({ trialId: id, state: 'synced' });
      expect(await store.listSyncStates()).toContainEqual({ trialId: id, state: 'synced' });
    });

    it('commits a trial and its job together, or neither', async () => {
      const s = study();
      await store.upsertStudy(s);
      const t = trial(s.id, 0);
      const job = {
        action: 'trial.push' as const,
        subject: `trial:${t.id}`,
        payload: { trialId: t.id },
        maxAttempts: 3,
      };
      await expect(
        store.transaction(async (tx) => {
          await tx.upsertTrial(t);
          await tx.appendPoints(t.id, 'loss', points(10));
          await tx.enqueueJob(job);
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect(await store.getTrial(t.id)).toBeUndefined();
      expect(await store.listSeries(t.id)).toEqual([]);
      expect((await store.listJobs()).filter((j) => j.subject === job.subject)).toEqual([]);
      await store.transaction(async (tx) => {
        await tx.upsertTrial(t);
        await tx.enqueueJob(job);
      });
      expect(await store.getTrial(t.id)).toEqual(t);
      expect((await store.listJobs()).filter((j) => j.subject === job.subject)).toHaveLength(1);
      await clearQueue();
    });

    describe('job queue', () => {
      const newJob = (subject = `trial:${uid('t')}`, extra = {}) => ({
        action: 'trial.push' as const,
        subject,
        payload: { trialId: subject.slice(6) },
        maxAttempts: 3,
        ...extra,
      });

      it('coalesces a burst into one queued job per subject and action', async () => {
        const job = newJob();
        const first = await store.enqueueJob(job);
        expect(first.coalesced).toBe(false);
        for (let i = 0; i < 50; i++)
          expect(await store.enqueueJob(job)).toEqual({ id: first.id, coalesced: true });
        const other = await store.enqueueJob({ ...job, action: 'run.status' });
        expect(other.id).not.toBe(first.id);
        expect((await store.listJobs('queued')).filter((j) => j.subject === job.subject)).toHaveLength(2);
        await clearQueue();
      });

      it('queues many jobs in one call, coalescing each as one by one would', async () => {
        const [a, b, c] = [newJob(), newJob(), newJob()];
        const first = await store.enqueueJob(b);
        const results = await store.enqueueJobs([c, b, a]);
        expect(results[1]).toEqual({ id: first.id, coalesced: true });
        expect(results.map((r) => r.coalesced)).toEqual([false, true, false]);
        expect(new Set(results.map((r) => r.id)).size).toBe(3);
        expect(await store.enqueueJobs([a, c])).toEqual([
          { id: results[2].id, coalesced: true },
          { id: results[0].id, coalesced: true },
        ]);
        expect(await store.enqueueJobs([])).toEqual([]);
        await clearQueue();
      });

      it('claims a due job under a lease, one worker per subject', async () => {
        const job = newJob();
        const { id } = await store.enqueueJob(job);
        const claimed = await store.claimJob(60_000);
        expect(claimed).toMatchObject({ id, state: 'active', attempts: 1, subject: job.subject });
        expect(claimed?.leaseToken).toBeTruthy();
        // A change while it runs queues a second job, which waits until the first is done.
        const next = await store.enqueueJob(job);
        expect(next.coalesced).toBe(false);
        expect(await store.claimJob(60_000)).toBeUndefined();
        expect(await store.countPendingJobs()).toBe(2);
        expect(await store.completeJob(id, 'not-the-token')).toBe(false);
        expect(await store.completeJob(id, claimed?.leaseToken as string)).toBe(true);
        expect((await store.claimJob(60_000))?.id).toBe(next.id);
        await clearQueue();
      });

      it('keeps delayed jobs until they are due', async () => {
        // An empty queue has no next job (an idle worker then waits its poll interval).
        expect(await store.msUntilNextJob()).toBeUndefined();
        const job = newJob(undefined, { delayMs: 400 });
        await store.enqueueJob(job);
        expect(await store.claimJob(60_000)).toBeUndefined();
        const wait = (await store.msUntilNextJob()) as number;
        expect(wait).toBeGreaterThan(200);
        expect(wait).toBeLessThanOrEqual(400);
        // Coalescing with an immediate change pulls the time in.
        await store.enqueueJob({ ...job, delayMs: 0 });
        expect((await store.claimJob(60_000))?.subject).toBe(job.subject);
        await clearQueue();
      });

      it('gives the job of a worker that stopped renewing its lease to another', async () => {
        const job = newJob();
        await store.enqueueJob(job);
        const first = await store.claimJob(100);
        expect(await store.renewLease(first?.id as number, first?.leaseToken as string, 100)).toBe(true);
        await new Promise((r) => setTimeout(r, 250));
        const second = await store.claimJob(60_000);
        expect(second).toMatchObject({ id: first?.id, attempts: 2 });
        expect(second?.leaseToken).not.toBe(first?.leaseToken);
        expect(await store.completeJob(first?.id as number, first?.leaseToken as string)).toBe(false);
        expect(await store.completeJob(second?.id as number, second?.leaseToken as string)).toBe(true);
      });

      it('retries later with the last error, and a burst during backoff does not hurry it', async () => {
        const job = newJob();
        await store.enqueueJob(job);
        const claimed = await store.claimJob(60_000);
        expect(
          await store.retryJobLater(
            claimed?.id as number,
            claimed?.leaseToken as string,
            60_000,
            'MLflow is down',
          ),
        ).toBe(true);
        const [queued] = (await store.listJobs('queued')).filter((j) => j.subject === job.subject);
        expect(queued).toMatchObject({ attempts: 1, lastError: 'MLflow is down' });
        expect(queued.runAt).toBeGreaterThan(Date.now() + 50_000);
        await store.enqueueJob(job);
        expect(await store.claimJob(60_000)).toBeUndefined();
        expect((await store.listJobs('queued')).filter((j) => j.subject === job.subject)).toHaveLength(1);
      });

      it('folds a retry into a job queued meanwhile', async () => {
        const job = newJob();
        await store.enqueueJob(job);
        const claimed = await store.claimJob(60_000);
        const queued = await store.enqueueJob(job);
        await store.retryJobLater(claimed?.id as number, claimed?.leaseToken as string, 10, 'timeout');
        const jobs = (await store.listJobs()).filter((j) => j.subject === job.subject);
        expect(jobs).toHaveLength(1);
        expect(jobs[0]).toMatchObject({ id: queued.id, state: 'queued', attempts: 1, lastError: 'timeout' });
        await new Promise((r) => setTimeout(r, 30));
        await clearQueue();
      });

      it('keeps dead jobs with their last error until retried by hand', async () => {
        const job = newJob();
        await store.enqueueJob(job);
        const claimed = await store.claimJob(60_000);
        expect(
          await store.killJob(claimed?.id as number, claimed?.leaseToken as string, 'trial x does not exist'),
        ).toBe(true);
        const [dead] = (await store.listJobs('dead')).filter((j) => j.subject === job.subject);
        expect(dead).toMatchObject({ state: 'dead', attempts: 1, lastError: 'trial x does not exist' });
        expect(await store.claimJob(60_000)).toBeUndefined();
        expect(await store.retryDeadJob(dead.id)).toBe(true);
        expect(await store.retryDeadJob(dead.id)).toBe(false);
        const again = await store.claimJob(60_000);
        expect(again).toMatchObject({ id: dead.id, attempts: 1 });
        await store.completeJob(dead.id, again?.leaseToken as string);
        expect((await store.listJobs()).filter((j) => j.subject === job.subject)).toEqual([]);
      });
    });
  });
}
