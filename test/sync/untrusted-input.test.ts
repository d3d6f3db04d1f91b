// A producer's input is not trusted: links, over-long values, prototype-named keys, ids MLflow's
// filters cannot quote, and half-good batches are refused or made harmless.
import { describe, expect, it } from 'vitest';
import { quoteFilterValue } from '../../src/mlflow/index.js';
import type { TrialEvent } from '../../src/protocol/index.js';
import { EventBatchError, MlflowLimitError, type SyncEngine, TRIAL_ID_TAG } from '../../src/sync/index.js';
import { curve, engineFixture, expectRunMatchesTrial, mlflowClient } from './helpers.js';
import { study, uid } from './storage/conformance.js';

const fixture = engineFixture({ retry: { baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 2 } });
const engine = fixture.engine.bind(fixture);

async function newStudy(e: SyncEngine) {
  return e.upsertStudy(study(uid('study'), { name: uid('untrusted') }));
}

async function runsTagged(experimentId: string, trialId: string) {
  const { runs } = await mlflowClient().searchRuns({
    experimentIds: [experimentId],
    filter: `tags.\`${TRIAL_ID_TAG}\` = ${quoteFilterValue(trialId)}`,
  });
  return runs;
}

describe('MLflow links come from the engine only', () => {
  it('ignores a run id a producer supplies: the next push writes into the trial’s own run', async () => {
    const e = engine();
    const s = await newStudy(e);
    const victim = await e.upsertTrial({ id: uid('victim'), studyId: s.id, number: 0, status: 'running' });
    await e.drain();
    const victimRun = (await e.getTrial(victim.id))?.mlflow?.runId as string;

    const posted = await e.upsertTrial({
      id: uid('intruder'),
      studyId: s.id,
      number: 1,
      status: 'failed',
      tags: { injected: 'yes' },
      notes: 'overwritten',
      mlflow: { experimentId: '0', runId: victimRun },
    });
    expect(posted.mlflow).toBeUndefined();
    await e.drain();

    const intruder = await e.getTrial(posted.id);
    expect(intruder?.mlflow?.runId).toBeTruthy();
    expect(intruder?.mlflow?.runId).not.toBe(victimRun);
    const untouched = await mlflowClient().getRun(victimRun);
    expect(untouched.data.tags.injected).toBeUndefined();
    expect(untouched.data.tags['mlflow.note.content']).toBeUndefined();
    expect(untouched.info.status).toBe('RUNNING');
  });

  it('ignores an experiment id a producer supplies with a study, and keeps the engine’s link', async () => {
    const e = engine();
    const s = await e.upsertStudy({
      ...study(uid('study'), { name: uid('linked-elsewhere') }),
      mlflow: { experimentId: '0' },
    });
    expect(s.mlflow).toBeUndefined();
    const t = await e.upsertTrial({ id: uid('trial'), studyId: s.id, number: 0, status: 'running' });
    await e.drain();
    const linked = await e.getStudy(s.id);
    expect(linked?.mlflow?.experimentId).toBeTruthy();
    expect(linked?.mlflow?.experimentId).not.toBe('0');
    expect((await e.getTrial(t.id))?.mlflow?.experimentId).toBe(linked?.mlflow?.experimentId);

    const again = await e.upsertStudy({ ...s, mlflow: { experimentId: '0' } });
    expect(again.mlflow).toEqual(linked?.mlflow);
  });
});

describe('MLflow limits with sync on', () => {
  const cases = [
    ['params.p', { params: { p: 'x'.repeat(6001) } }],
    ['tags.big', { tags: { big: 'x'.repeat(8001) } }],
    ['notes', { notes: 'x'.repeat(8001) }],
  ] as const;
  for (const [path, extra] of cases) {
    it(`refuses a trial whose ${path} is over MLflow's limit, naming the field`, async () => {
      const e = engine();
      const s = await newStudy(e);
      const attempt = e.upsertTrial({
        id: uid('trial'),
        studyId: s.id,
        number: 0,
        status: 'running',
        ...extra,
      });
      await expect(attempt).rejects.toBeInstanceOf(MlflowLimitError);
      await expect(attempt).rejects.toMatchObject({ path });
    });
  }

  it('refuses a study whose experiment name is over 500 characters', async () => {
    const attempt = engine().upsertStudy(study(uid('study'), { name: 'n'.repeat(501) }));
    await expect(attempt).rejects.toMatchObject({ name: 'MlflowLimitError', path: 'name' });
  });

  it('accepts the same values with sync off', async () => {
    const e = engine({ enabled: false });
    const s = await e.upsertStudy(study(uid('study'), { name: 'n'.repeat(501) }));
    const t = await e.upsertTrial({
      id: uid('trial'),
      studyId: s.id,
      number: 0,
      status: 'running',
      notes: 'x'.repeat(8001),
    });
    expect(t.notes?.length).toBe(8001);
  });

  it('pushes the metrics even when MLflow refuses a param, and says in the sync state what failed', async () => {
    const e = engine();
    const s = await newStudy(e);
    const t = await e.upsertTrial({
      id: uid('trial'),
      studyId: s.id,
      number: 0,
      status: 'running',
    });
    await e.drain();
    // Someone else logs the param in MLflow first; the engine, which has not seen it, sends another.
    const runId = (await e.getTrial(t.id))?.mlflow?.runId as string;
    await mlflowClient().logParam(runId, 'lr', '1');
    await e.upsertTrial({ ...t, params: { lr: 2 } });
    await e.appendMetrics(t.id, 'loss', curve(20));
    await e.drain();

    expect(await mlflowClient().getMetricHistory(runId, 'loss')).toHaveLength(20);
    const state = await e.getSyncState(t.id);
    expect(state?.state).toBe('dead');
    expect(state?.error).toContain("'key': 'lr'");
  });
});

describe('record keys are own keys only', () => {
  it('pushes params and tags named after Object.prototype members', async () => {
    const e = engine();
    const s = await newStudy(e);
    const t = await e.upsertTrial({
      id: uid('trial'),
      studyId: s.id,
      number: 0,
      status: 'running',
      params: { constructor: 1, toString: 'x', hasOwnProperty: true },
      tags: { valueOf: 'v', isPrototypeOf: 'p' },
    });
    await e.appendMetrics(t.id, 'loss', curve(5));
    await e.drain();
    expect(await e.getSyncState(t.id)).toMatchObject({ state: 'synced' });
    await expectRunMatchesTrial(fixture.storage, mlflowClient(), t.id);
  });
});

describe('trial ids in MLflow filters', () => {
  it('refuses, with sync on, an id MLflow’s search cannot express', async () => {
    const e = engine();
    const s = await newStudy(e);
    for (const id of [`it's "quoted"`, 'ends\\']) {
      const attempt = e.upsertTrial({ id, studyId: s.id, number: 0, status: 'running' });
      await expect(attempt).rejects.toMatchObject({ name: 'MlflowLimitError', path: 'id' });
    }
  });

  it('never sends a filter for such an id stored while sync was off: the push fails for good', async () => {
    const off = engine({ enabled: false });
    const s = await newStudy(off);
    const id = `${uid('q')}' OR tags.x = "y`;
    await off.upsertTrial({ id, studyId: s.id, number: 0, status: 'running' });
    const on = engine();
    await on.syncTrial(id);
    await on.drain();
    expect(await on.getSyncState(id)).toMatchObject({ state: 'dead' });
    expect((await on.getSyncState(id))?.error).toContain('cannot express');
  });

  it('finds the run of a trial whose id holds a quote instead of creating another', async () => {
    const e = engine();
    const s = await newStudy(e);
    for (const id of [`${uid('it')}'s`, `${uid('say')} "hi"`]) {
      const experimentId = await mlflowClient().createExperiment(uid('quoted'));
      await fixture.storage.upsertStudy({ ...s, id: `${s.id}-${id.length}`, mlflow: { experimentId } });
      const made = await mlflowClient().createRun({ experimentId, tags: { [TRIAL_ID_TAG]: id } });
      await e.upsertTrial({ id, studyId: `${s.id}-${id.length}`, number: 0, status: 'running' });
      await e.drain();
      expect((await e.getTrial(id))?.mlflow?.runId).toBe(made.info.runId);
      expect(await runsTagged(experimentId, id)).toHaveLength(1);
    }
  });
});

describe('atomic batches', () => {
  it('applies a batch whole or not at all, naming the bad event and field', async () => {
    const e = engine({ enabled: false });
    const s = study(uid('study'));
    const good = {
      id: uid('trial'),
      studyId: s.id,
      number: 0,
      status: 'running' as const,
      params: {},
      tags: {},
      flags: [],
    };
    const batch = [
      { v: 1, seq: 0, type: 'study.upsert', study: s },
      { v: 1, seq: 0, type: 'trial.upsert', trial: good },
      { v: 1, seq: 0, type: 'trial.upsert', trial: { ...good, id: uid('trial'), studyId: 'no-such-study' } },
    ] as TrialEvent[];
    const attempt = e.applyEvents(batch);
    await expect(attempt).rejects.toBeInstanceOf(EventBatchError);
    await expect(attempt).rejects.toMatchObject({ index: 2 });
    await expect(attempt).rejects.toThrow(/event 2: trial.upsert: study "no-such-study" does not exist/);
    expect(await e.getStudy(s.id)).toBeUndefined();
    expect(await e.getTrial(good.id)).toBeUndefined();

    await e.applyEvents(batch.slice(0, 2));
    expect(await e.getTrial(good.id)).toBeTruthy();
  });

  it('names the field of a bad value in a batch', async () => {
    const e = engine({ enabled: false });
    const s = study(uid('study'));
    const attempt = e.applyEvents([
      { v: 1, seq: 0, type: 'study.upsert', study: s },
      {
        v: 1,
        seq: 0,
        type: 'trial.upsert',
        trial: {
          id: uid('t'),
          studyId: s.id,
          number: 0,
          status: 'running',
          params: { 'bad key!': 1 },
          tags: {},
          flags: [],
        },
      },
    ]);
    await expect(attempt).rejects.toMatchObject({ index: 1, path: 'trial.params.bad key!' });
  });

  it('refuses a trial number its column cannot hold, before the store sees it', async () => {
    const e = engine({ enabled: false });
    const s = await e.upsertStudy(study(uid('study')));
    const attempt = e.upsertTrial({ id: uid('t'), studyId: s.id, number: 2 ** 40, status: 'running' });
    await expect(attempt).rejects.toMatchObject({ name: 'ValidationError', path: 'number' });
  });
});

describe('engine conveniences', () => {
  it('isolates a listener that throws: the others get the event and the error is reported', async () => {
    const reported: unknown[] = [];
    const e = engine({ enabled: false, onListenerError: (err) => reported.push(err) });
    const seen: string[] = [];
    e.subscribe(() => {
      throw new Error('listener bug');
    });
    e.subscribe((event) => seen.push(event.type));
    await e.upsertStudy(study(uid('study')));
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual(['study.upsert']);
    expect(reported).toHaveLength(1);
    expect((reported[0] as Error).message).toBe('listener bug');
  });

  it('defaults a study’s createdAt to now, and keeps the stored one on later upserts', async () => {
    const e = engine({ enabled: false });
    const before = Date.now();
    const { createdAt: _omit, ...input } = study(uid('study'));
    const s = await e.upsertStudy(input);
    expect(s.createdAt).toBeGreaterThanOrEqual(before);
    const again = await e.upsertStudy({ ...input, status: 'paused' });
    expect(again.createdAt).toBe(s.createdAt);
  });
});

describe('text the store cannot hold', () => {
  it('refuses a NUL or half a surrogate pair, naming the field, and stores nothing', async () => {
    const { ValidationError } = await import('../../src/sync/index.js');
    const e = engine();
    const s = await newStudy(e);
    const id = uid('nul');
    const refused = async (input: Promise<unknown>, path: string | undefined) => {
      const error = await input.then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as { path?: string }).path).toBe(path);
      expect((error as Error).message).toContain('NUL character or half of a surrogate pair');
    };
    await refused(
      e.upsertTrial({ id, studyId: s.id, number: 0, status: 'running', tags: { k: 'a\u0000b' } }),
      'tags.k',
    );
    await refused(
      e.upsertTrial({ id, studyId: s.id, number: 0, status: 'running', params: { p: '\ud800' } }),
      'params.p',
    );
    await refused(e.upsertTrial({ id: `${id}\u0000`, studyId: s.id, number: 0, status: 'running' }), 'id');
    await refused(e.upsertStudy(study(uid('study'), { name: 'x\udc00' })), 'name');
    expect(await e.getTrial(id)).toBeUndefined();
    await e.upsertTrial({ id, studyId: s.id, number: 0, status: 'running', tags: { emoji: '🦊' } });
    await refused(e.setTrialNotes(id, 'a\u0000'), 'notes');
    expect((await e.getTrial(id))?.tags).toEqual({ emoji: '🦊' });
  });
});
