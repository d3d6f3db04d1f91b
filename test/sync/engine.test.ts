import { describe, expect, it } from 'vitest';
import { encodeEvent, parseEvent, type TrialEvent } from '../../src/protocol/index.js';
import {
  NotFoundError,
  type SyncEngine,
  SyncError,
  UnknownActionError,
  ValidationError,
} from '../../src/sync/index.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { curve, engineFixture, expectRunMatchesTrial, mlflowClient } from './helpers.js';
import { study, uid } from './storage/conformance.js';

const fixture = engineFixture({ retry: { baseDelayMs: 20, maxDelayMs: 200 } });
const engine = fixture.engine.bind(fixture);

async function studyWithTrial(e: SyncEngine, trialExtra = {}) {
  const s = await e.upsertStudy(study(uid('study'), { name: uid('engine-study') }));
  const t = await e.upsertTrial({
    id: uid('trial'),
    studyId: s.id,
    number: 0,
    status: 'running',
    params: { lr: 0.01, depth: 4 },
    ...trialExtra,
  });
  return { s, t };
}

describe('recording and events', () => {
  it('emits protocol events for studies, trials, points and sync state, in seq order', async () => {
    const e = engine({ enabled: false });
    const events: TrialEvent[] = [];
    e.subscribe((event) => events.push(event));
    const { t } = await studyWithTrial(e);
    await e.appendMetrics(t.id, 'loss', curve(5));
    await e.appendMetrics(t.id, 'loss', curve(2, 5));
    expect(events.map((ev) => ev.type)).toEqual([
      'study.upsert',
      'trial.upsert',
      'sync.state',
      'metrics.append',
      'metrics.append',
    ]);
    // Numbered one by one from where the engine started (the clock: see firstSeq).
    const base = events[0].seq - 1;
    expect(base).toBeGreaterThan(Date.UTC(2026, 0, 1) * 1000);
    expect(events.map((ev) => ev.seq - base)).toEqual([1, 2, 3, 4, 5]);
    for (const event of events) expect(parseEvent(encodeEvent(event)).ok).toBe(true);
    const append = events[3];
    expect(append.type === 'metrics.append' && append.batches).toEqual([
      {
        trialId: t.id,
        key: 'loss',
        steps: [0, 1, 2, 3, 4],
        values: curve(5).map((p) => p.value),
        timestamps: curve(5).map((p) => p.timestamp),
      },
    ]);
    expect(events[2]).toMatchObject({ type: 'sync.state', trialId: t.id, state: 'disabled' });
  });

  it('gives a snapshot whose seq is the last event it contains, even with writes under way', async () => {
    const e = engine({ enabled: false });
    const { t } = await studyWithTrial(e);
    const events: TrialEvent[] = [];
    e.subscribe((event) => events.push(event));
    const writes = Array.from({ length: 30 }, (_, i) => e.appendMetrics(t.id, 'acc', curve(1, i)));
    const snapshot = await e.snapshot();
    await Promise.all(writes);
    const inSnapshot = snapshot.metrics.find((b) => b.trialId === t.id && b.key === 'acc')?.steps ?? [];
    const after = events
      .filter((ev) => ev.seq > snapshot.seq && ev.type === 'metrics.append')
      .flatMap((ev) => (ev.type === 'metrics.append' ? ev.batches[0].steps : []));
    expect([...inSnapshot, ...after].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(snapshot.trials.map((x) => x.id)).toContain(t.id);
    expect(parseEvent(encodeEvent(snapshot)).ok).toBe(true);
  });

  it('keeps notes set from the dashboard and serves series columnar', async () => {
    const e = engine({ enabled: false });
    const { t } = await studyWithTrial(e);
    await e.appendMetrics(t.id, 'loss', curve(10));
    expect((await e.setTrialNotes(t.id, 'diverged at step 7')).notes).toBe('diverged at step 7');
    expect((await e.getTrial(t.id))?.notes).toBe('diverged at step 7');
    expect((await e.getSeries(t.id, 'loss')).steps).toEqual(curve(10).map((p) => p.step));
    expect((await e.listTrials(t.studyId)).map((x) => x.id)).toEqual([t.id]);
  });
});

describe('bad input', () => {
  it('rejects invalid trials, points and keys with typed errors before storing anything', async () => {
    const e = engine({ enabled: false });
    const s = await e.upsertStudy(study(uid('study'), { maxParams: 2 }));
    const events: TrialEvent[] = [];
    e.subscribe((event) => events.push(event));
    const base = { id: uid('trial'), studyId: s.id, number: 0, status: 'running' as const };
    await expect(e.upsertTrial({ ...base, status: 'exploded' as never })).rejects.toThrow(ValidationError);
    await expect(e.upsertTrial({ ...base, number: -1 })).rejects.toThrow(/number/);
    await expect(e.upsertTrial({ ...base, params: { 'bad key!': 1 } })).rejects.toThrow(ValidationError);
    await expect(e.upsertTrial({ ...base, params: { a: 1, b: 2, c: 3 } })).rejects.toThrow(/allows 2/);
    await expect(e.upsertTrial({ ...base, studyId: 'no-such-study' })).rejects.toThrow(NotFoundError);
    expect(await e.getTrial(base.id)).toBeUndefined();

    await e.upsertTrial(base);
    const bad = [...curve(3), { step: 1.5, value: 1, timestamp: 1 }];
    const error = await e.appendMetrics(base.id, 'loss', bad).catch((err) => err);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.path).toBe('points.3.step');
    await expect(
      e.appendMetrics(base.id, 'loss', [{ step: 0, value: 'high' as never, timestamp: 1 }]),
    ).rejects.toThrow(/points.0.value/);
    await expect(e.appendMetrics(base.id, '../etc', curve(1))).rejects.toThrow(ValidationError);
    await expect(e.appendMetrics('no-such-trial', 'loss', curve(1))).rejects.toThrow(NotFoundError);
    expect(await e.listSeries(base.id)).toEqual([]);
    expect(events.map((ev) => ev.type)).toEqual(['trial.upsert', 'sync.state']);
  });
});

describe('the queue from the engine', () => {
  it('with enabled: false records trials, queues nothing and talks to nobody', async () => {
    let requests = 0;
    const mlflow = mlflowClient({
      fetch: async () => {
        requests++;
        throw new Error('must not be called');
      },
    });
    const e = engine({ enabled: false, mlflow });
    e.start();
    const { t } = await studyWithTrial(e);
    await e.appendMetrics(t.id, 'loss', curve(100));
    await e.drain();
    await expect(e.syncTrial(t.id)).rejects.toThrow(SyncError);
    expect(requests).toBe(0);
    expect((await fixture.storage.listJobs()).filter((j) => j.subject === `trial:${t.id}`)).toEqual([]);
    expect(await e.getSyncState(t.id)).toEqual({ trialId: t.id, state: 'disabled' });
    expect((await e.getSeries(t.id, 'loss')).steps).toHaveLength(100);
  });

  it('rejects an unknown action when it is enqueued', async () => {
    const e = engine();
    const before = (await fixture.storage.listJobs()).length;
    await expect(e.enqueue('trial.teleport', { trialId: 'x' })).rejects.toThrow(UnknownActionError);
    await expect(e.enqueue('trial.push', { nope: 1 })).rejects.toThrow(ValidationError);
    expect((await fixture.storage.listJobs()).length).toBe(before);
  });

  it('coalesces a burst of appends into one pending job per trial, in the same transaction', async () => {
    const e = engine();
    const { t } = await studyWithTrial(e);
    for (let i = 0; i < 100; i++) await e.appendMetrics(t.id, 'loss', curve(1, i));
    const jobs = (await fixture.storage.listJobs()).filter((j) => j.subject === `trial:${t.id}`);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ action: 'trial.push', state: 'queued', attempts: 0 });
    expect(await e.getSyncState(t.id)).toMatchObject({ state: 'pending' });
    await e.drain();
    await expectRunMatchesTrial(fixture.storage, mlflowClient(), t.id);
  });

  it('fails a sync of a missing trial once, permanently, with its id in the message', async () => {
    const e = engine();
    const events: TrialEvent[] = [];
    e.subscribe((event) => events.push(event));
    const ghost = uid('ghost-trial');
    await e.enqueue('trial.push', { trialId: ghost });
    await e.drain();
    const [dead] = (await e.listJobs('dead')).filter((j) => j.subject === `trial:${ghost}`);
    expect(dead).toMatchObject({ attempts: 1, state: 'dead' });
    expect(dead.lastError).toContain(ghost);
    expect(
      events.filter((ev) => ev.type === 'sync.state').map((ev) => ev.type === 'sync.state' && ev.state),
    ).toEqual(['pending', 'syncing', 'dead']);
  });

  it('retries while MLflow is unreachable, then dead-letters with the trial intact; a manual retry syncs it', async () => {
    const proxy = await startFaultProxy(mlflowClient().trackingUri);
    try {
      proxy.inject({ kind: 'reset' }, { times: Number.POSITIVE_INFINITY });
      const e = engine({
        mlflow: mlflowClient({ trackingUri: proxy.uri, retry: false }),
        retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 40 },
      });
      const states: string[] = [];
      e.subscribe((ev) => ev.type === 'sync.state' && states.push(ev.state));
      const { t } = await studyWithTrial(e, { tags: { owner: 'kim' } });
      await e.appendMetrics(t.id, 'loss', curve(50));
      await e.drain();
      const [dead] = (await e.listJobs('dead')).filter((j) => j.subject === `trial:${t.id}`);
      expect(dead).toMatchObject({ attempts: 3 });
      expect(dead.lastError).toMatch(/MlflowNetworkError/);
      expect(states).toEqual(['pending', 'syncing', 'retrying', 'syncing', 'retrying', 'syncing', 'dead']);
      expect(await e.getSyncState(t.id)).toMatchObject({ state: 'dead', error: dead.lastError });
      expect(await e.getTrial(t.id)).toEqual(t);
      expect((await e.getSeries(t.id, 'loss')).steps).toHaveLength(50);

      proxy.clear();
      expect(await e.retryJob(dead.id)).toBe(true);
      await e.drain();
      expect(await e.getSyncState(t.id)).toMatchObject({ state: 'synced' });
      await expectRunMatchesTrial(fixture.storage, mlflowClient(), t.id);
    } finally {
      await proxy.close();
    }
  });
});

describe('push to MLflow', () => {
  it('pushes params once, tags, notes, status and every point, then only what changed', async () => {
    const e = engine();
    e.start();
    const s = await e.upsertStudy(study(uid('study'), { name: uid('push-study') }));
    const trials = [];
    for (let n = 0; n < 3; n++) {
      const t = await e.upsertTrial({
        id: uid('trial'),
        studyId: s.id,
        number: n,
        status: 'running',
        params: { lr: 10 ** -n, optimizer: 'adam', bn: n % 2 === 0 },
        tags: { group: `g${n}` },
        flags: n === 1 ? ['spectral_norm'] : [],
        startedAt: 1_750_000_000_000,
      });
      await e.appendMetrics(t.id, 'loss', curve(2500, 0, n + 1));
      await e.appendMetrics(t.id, 'val/acc', curve(300, 0, 7));
      trials.push(t);
    }
    await e.drain();
    const mlflow = mlflowClient();
    for (const t of trials) await expectRunMatchesTrial(fixture.storage, mlflow, t.id);
    const [first] = trials;
    const linked = await e.getTrial(first.id);
    expect(linked?.mlflow?.runId).toBeTruthy();
    expect((await e.findTrialByRun(linked?.mlflow?.runId as string))?.id).toBe(first.id);
    expect((await e.getStudy(s.id))?.mlflow?.experimentId).toBe(linked?.mlflow?.experimentId);

    await e.appendMetrics(first.id, 'loss', curve(500, 2500, 1));
    await e.upsertTrial({
      ...first,
      tags: { reviewed: 'yes' },
      status: 'pruned',
      endedAt: 1_750_000_100_000,
    });
    await e.setTrialNotes(first.id, 'pruned by median rule');
    await e.drain();
    await expectRunMatchesTrial(fixture.storage, mlflow, first.id);
    const run = await mlflow.getRun(linked?.mlflow?.runId as string);
    expect(run.data.tags.group).toBeUndefined();
    expect((await e.getTrial(first.id))?.status).toBe('pruned');
    expect(await e.getSyncState(first.id)).toMatchObject({ state: 'synced' });
  });

  it('takes keys in any script, as MLflow does, and pushes them as they are', async () => {
    const e = engine();
    const { t } = await studyWithTrial(e, { params: { héllo: 1 } });
    await e.appendMetrics(t.id, 'lössß', curve(5));
    await e.drain();
    const runId = (await e.getTrial(t.id))?.mlflow?.runId as string;
    expect((await mlflowClient().getMetricHistory(runId, 'lössß')).map((p) => p.step)).toEqual([
      0, 1, 2, 3, 4,
    ]);
    expect((await mlflowClient().getRun(runId)).data.params).toEqual({ héllo: '1' });
  });

  it('pulls back a pushed trial unchanged, whatever its status', async () => {
    const e = engine();
    const s = await e.upsertStudy(study(uid('study'), { name: uid('roundtrip-study') }));
    const statuses = ['running', 'succeeded', 'pruned', 'failed', 'cancelled'] as const;
    const ids: string[] = [];
    for (const [n, status] of statuses.entries()) {
      const t = await e.upsertTrial({
        id: uid('trial'),
        studyId: s.id,
        number: n,
        status,
        params: { lr: 10 ** -n, optimizer: 'adam' },
        tags: { group: `g${n}`, state: 'kept as a tag' },
        startedAt: 1_750_000_000_000,
        ...(status === 'running' ? {} : { endedAt: 1_750_000_100_000 }),
      });
      await e.appendMetrics(t.id, 'loss', curve(20, 0, n + 1));
      ids.push(t.id);
    }
    await e.drain();
    for (const id of ids) {
      const pushed = await e.getTrial(id);
      await e.pullTrial(id);
      await e.drain();
      expect(await e.getTrial(id)).toEqual(pushed);
    }
  });

  it('refuses a param changed after it reached MLflow, which never changes a param, and keeps syncing', async () => {
    const e = engine();
    const { t } = await studyWithTrial(e);
    await e.drain();
    const error = await e.upsertTrial({ ...t, params: { ...t.params, lr: 0.5 } }).catch((err) => err);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.path).toBe('params.lr');
    expect(error.message).toMatch(/param "lr" .* is "0\.01" in MLflow/);
    expect((await e.getTrial(t.id))?.params.lr).toBe(t.params.lr);
    // The same values, and new params, are fine; nothing goes to the dead letters.
    await e.upsertTrial({
      ...t,
      params: { ...t.params, extra: 1 },
      status: 'succeeded',
      endedAt: Date.now(),
    });
    await e.drain();
    expect((await e.listJobs('dead')).filter((j) => j.subject === `trial:${t.id}`)).toEqual([]);
  });
});
