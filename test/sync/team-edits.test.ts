import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEvent, type TeamEvent, type TrialEvent } from '../../src/protocol/index.js';
import {
  createSyncEngine,
  EventBatchError,
  MlflowLimitError,
  type SyncEngine,
} from '../../src/sync/index.js';
import { createPgliteStorage } from '../../src/sync/storage/pglite.js';
import { engineFixture, mlflowClient } from './helpers.js';
import { study, uid } from './storage/conformance.js';

const fixture = engineFixture({ retry: { baseDelayMs: 20, maxDelayMs: 200 } });
const engine = fixture.engine.bind(fixture);

/** A team event as a tab or a producer posts it: through the codec. */
function edit(input: Record<string, unknown>): TeamEvent {
  const parsed = parseEvent({ v: 3, seq: 0, ...input });
  if (!parsed.ok) throw parsed.error;
  return parsed.event as TeamEvent;
}

const comment = (id: string, author: string, text: string, extra = {}) =>
  edit({
    type: 'comment.upsert',
    trialId: 'set-by-on',
    comment: { id, author, text, createdAt: 1_000, ...extra },
  });

async function aTrial(e: SyncEngine) {
  const s = await e.upsertStudy(study(uid('study'), { name: uid('team-study') }));
  return e.upsertTrial({
    id: uid('trial'),
    studyId: s.id,
    number: 0,
    status: 'running',
    params: { lr: 0.1 },
  });
}

function on(trialId: string, event: TeamEvent): TeamEvent {
  return { ...event, trialId };
}

describe('a team edits a trial through the engine', () => {
  it('stars, tags, comments and annotates, each change emitted as the whole trial', async () => {
    const e = engine({ enabled: false });
    const t = await aTrial(e);
    const events: TrialEvent[] = [];
    e.subscribe((event) => events.push(event));
    await e.applyEvents([
      edit({ type: 'trial.patch', trialId: t.id, starred: true, tags: { candidate: '', longer_run: 'yes' } }),
      on(t.id, comment('c1', 'ana', 'diverging')),
      on(t.id, comment('a1', 'bo', 'diverged', { step: 3000, key: 'loss' })),
    ]);
    await e.applyEvents([
      edit({ type: 'trial.patch', trialId: t.id, tags: { longer_run: null }, notes: 'seen by the team' }),
    ]);
    expect((await e.getTrial(t.id))?.notes).toBe('seen by the team');
    await e.applyEvents([edit({ type: 'trial.patch', trialId: t.id, notes: null })]);
    expect((await e.getTrial(t.id))?.notes).toBeUndefined();
    const stored = await e.getTrial(t.id);
    expect(stored).toMatchObject({ starred: true, tags: { candidate: '' } });
    expect(stored?.tags).not.toHaveProperty('longer_run');
    expect(stored?.comments?.map((c) => [c.id, c.author, c.step])).toEqual([
      ['c1', 'ana', undefined],
      ['a1', 'bo', 3000],
    ]);
    expect(events.map((ev) => ev.type).filter((type) => type !== 'sync.state')).toEqual(
      Array(5).fill('trial.upsert'),
    );
    const last = events.at(-1);
    expect(last?.type === 'trial.upsert' && last.trial.comments?.length).toBe(2);
  });

  it('lets the author edit and delete a comment, and no one else', async () => {
    const e = engine({ enabled: false });
    const t = await aTrial(e);
    await e.applyEvents([on(t.id, comment('c1', 'ana', 'first'))]);
    await e.applyEvents([
      on(t.id, comment('c1', 'ana', 'first, edited', { createdAt: 9_999, editedAt: 2_000 })),
    ]);
    const edited = (await e.getTrial(t.id))?.comments?.[0];
    expect(edited).toMatchObject({ text: 'first, edited', createdAt: 1_000, editedAt: 2_000 });

    await expect(e.applyEvents([on(t.id, comment('c1', 'bo', 'mine now'))])).rejects.toThrow(EventBatchError);
    const removeByBo = edit({ type: 'comment.remove', trialId: t.id, commentId: 'c1', author: 'bo' });
    await expect(e.applyEvents([removeByBo])).rejects.toThrow(/ana's to delete/);
    await e.applyEvents([edit({ type: 'comment.remove', trialId: t.id, commentId: 'c1', author: 'ana' })]);
    expect((await e.getTrial(t.id))?.comments).toBeUndefined();
    const missing = edit({ type: 'comment.remove', trialId: t.id, commentId: 'c1', author: 'ana' });
    await expect(e.applyEvents([missing])).rejects.toThrow(/no comment c1/);
  });

  it("keeps the team's star, notes and comments when a producer restates the trial", async () => {
    const e = engine({ enabled: false });
    const t = await aTrial(e);
    await e.setTrialNotes(t.id, 'worth a look');
    await e.applyEvents([
      edit({ type: 'trial.patch', trialId: t.id, starred: true, tags: { candidate: '' } }),
      on(t.id, comment('c1', 'ana', 'keep me')),
    ]);
    const {
      notes: _n,
      starred: _s,
      comments: _c,
      tags: _t,
      ...asTheProducerKnowsIt
    } = (await e.getTrial(t.id))!;
    await e.upsertTrial({ ...asTheProducerKnowsIt, status: 'succeeded' });
    expect(await e.getTrial(t.id)).toMatchObject({
      status: 'succeeded',
      tags: { candidate: '' },
      notes: 'worth a look',
      starred: true,
      comments: [{ id: 'c1', text: 'keep me' }],
    });
  });

  it('refuses an edit of an unknown trial, and a reserved tag key in the protocol', async () => {
    const e = engine({ enabled: false });
    await expect(e.applyEvents([on('no-such-trial', comment('c1', 'ana', 'x'))])).rejects.toThrow(
      /no-such-trial/,
    );
    const reserved = parseEvent({
      v: 3,
      seq: 0,
      type: 'trial.patch',
      trialId: 't',
      tags: { 'trialkit.x': '1' },
    });
    expect(reserved.ok || reserved.error.path).toBe('tags.trialkit.x');
  });

  it('keeps stars and comments across a restart (PGlite in a directory)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'trialkit-team-'));
    try {
      let storage = createPgliteStorage({ dataDir });
      let e = createSyncEngine({ storage, enabled: false });
      const t = await aTrial(e);
      await e.applyEvents([
        edit({ type: 'trial.patch', trialId: t.id, starred: true }),
        on(t.id, comment('a1', 'ana', 'lr drop here', { step: 40 })),
      ]);
      await e.stop();
      await storage.close();
      storage = createPgliteStorage({ dataDir });
      e = createSyncEngine({ storage, enabled: false });
      const snapshot = await e.snapshot({ points: false });
      expect(snapshot.trials.find((x) => x.id === t.id)).toMatchObject({
        starred: true,
        comments: [{ id: 'a1', step: 40, text: 'lr drop here' }],
      });
      await storage.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('MLflow mirrors what a team writes', () => {
  it('pushes the star, tags and one tag per comment, and deletes what was removed', async () => {
    const e = engine();
    const t = await aTrial(e);
    await e.applyEvents([
      edit({ type: 'trial.patch', trialId: t.id, starred: true, tags: { candidate: 'yes' } }),
      on(t.id, comment('c1', 'ana', 'diverging <b>here</b>')),
      on(t.id, comment('a1', 'bo', 'lr drop', { step: 3000, key: 'loss' })),
    ]);
    await e.drain();
    const runId = (await e.getTrial(t.id))?.mlflow?.runId as string;
    let tags = (await mlflowClient().getRun(runId)).data.tags;
    expect(tags['trialkit.starred']).toBe('true');
    expect(tags.candidate).toBe('yes');
    expect(JSON.parse(tags['trialkit.comment.c1'])).toEqual({
      author: 'ana',
      text: 'diverging <b>here</b>',
      createdAt: 1_000,
    });
    expect(JSON.parse(tags['trialkit.comment.a1'])).toMatchObject({ step: 3000, key: 'loss' });

    await e.applyEvents([
      edit({ type: 'trial.patch', trialId: t.id, starred: false, tags: { candidate: null } }),
      edit({ type: 'comment.remove', trialId: t.id, commentId: 'c1', author: 'ana' }),
    ]);
    await e.drain();
    tags = (await mlflowClient().getRun(runId)).data.tags;
    expect(tags).not.toHaveProperty('trialkit.starred');
    expect(tags).not.toHaveProperty('candidate');
    expect(tags).not.toHaveProperty('trialkit.comment.c1');
    expect(tags).toHaveProperty('trialkit.comment.a1');
  });

  it('brings back tags, a star and comments set on the run in MLflow', async () => {
    const e = engine();
    const t = await aTrial(e);
    await e.applyEvents([on(t.id, comment('c1', 'ana', 'ours'))]);
    await e.drain();
    const runId = (await e.getTrial(t.id))?.mlflow?.runId as string;
    const mlflow = mlflowClient();
    await mlflow.setTag(runId, 'reviewed_by', 'carol');
    await mlflow.setTag(runId, 'trialkit.starred', 'true');
    await mlflow.setTag(
      runId,
      'trialkit.comment.py1',
      JSON.stringify({ author: 'trainer.py', text: 'from Python', createdAt: 2_000, step: 12 }),
    );
    await mlflow.setTag(runId, 'trialkit.comment.bad', 'not json');
    await e.pullTrial(t.id);
    await e.drain();
    const pulled = await e.getTrial(t.id);
    expect(pulled?.tags.reviewed_by).toBe('carol');
    expect(pulled?.starred).toBe(true);
    expect(pulled?.comments?.map((c) => [c.id, c.author, c.step])).toEqual([
      ['c1', 'ana', undefined],
      ['py1', 'trainer.py', 12],
    ]);
    expect(pulled?.tags).not.toHaveProperty('trialkit.comment.py1');
  });

  it("refuses a comment whose JSON would not fit MLflow's tag value, naming it", async () => {
    const e = engine();
    const t = await aTrial(e);
    // 5,000 characters pass the protocol; escaped as JSON they are 10,000.
    const quoted = on(t.id, comment('q1', 'ana', '"'.repeat(5000)));
    const err = await e.applyEvents([quoted]).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(EventBatchError);
    expect((err as EventBatchError).cause).toBeInstanceOf(MlflowLimitError);
    expect((err as EventBatchError).path).toBe('comments.q1');
    expect((await e.getTrial(t.id))?.comments).toBeUndefined();
  });
});
