// `trialkit serve`'s ingest: a team's edits written straight onto MLflow runs (the real test
// server), read back as the poller reads runs.
import { describe, expect, inject, it } from 'vitest';
import { MlflowClient } from '../../src/mlflow/index.js';
import { parseEvent, type TeamEvent, trialFieldsOf } from '../../src/protocol/index.js';
import { IngestInputError, mlflowIngest, type PostedEvent } from '../../src/server/index.js';

const client = new MlflowClient({ trackingUri: inject('mlflowUri') });

function event(input: Record<string, unknown>): PostedEvent {
  const parsed = parseEvent({ v: 3, seq: 0, ...input });
  if (!parsed.ok) throw parsed.error;
  return parsed.event as TeamEvent;
}

async function aRun(): Promise<string> {
  const experimentId = await client.createExperiment(`team-ingest-${crypto.randomUUID()}`);
  const run = await client.createRun({ experimentId, tags: { optimizer: 'adamw' } });
  return run.info.runId;
}

describe('mlflowIngest', () => {
  it('writes stars, tags and comments as run tags, and reads them back as the poller does', async () => {
    const runId = await aRun();
    let polls = 0;
    const ingest = mlflowIngest(client, () => polls++);
    await ingest([
      event({ type: 'trial.patch', trialId: runId, starred: true, tags: { candidate: '' } }),
      event({
        type: 'comment.upsert',
        trialId: runId,
        comment: { id: 'c1', author: 'ana', text: '<b>diverging</b>', createdAt: 5, step: 3000, key: 'loss' },
      }),
    ]);
    expect(polls).toBe(1);
    const run = await client.getRun(runId);
    expect(run.data.tags).toMatchObject({ 'trialkit.starred': 'true', candidate: '', optimizer: 'adamw' });
    const fields = trialFieldsOf(run);
    expect(fields.starred).toBe(true);
    expect(fields.comments).toEqual([
      { id: 'c1', author: 'ana', text: '<b>diverging</b>', createdAt: 5, step: 3000, key: 'loss' },
    ]);

    await ingest([
      event({ type: 'comment.remove', trialId: runId, commentId: 'c1', author: 'ana' }),
      event({ type: 'trial.patch', trialId: runId, starred: false, tags: { candidate: null } }),
    ]);
    const after = (await client.getRun(runId)).data.tags;
    expect(after).not.toHaveProperty('trialkit.comment.c1');
    expect(after).not.toHaveProperty('trialkit.starred');
    expect(after).not.toHaveProperty('candidate');
    expect(after.optimizer).toBe('adamw');
  });

  it("refuses records, someone else's comment, and an unknown run, naming the event", async () => {
    const runId = await aRun();
    const ingest = mlflowIngest(client, () => {});
    await ingest([
      event({
        type: 'comment.upsert',
        trialId: runId,
        comment: { id: 'c1', author: 'ana', text: 'mine', createdAt: 1 },
      }),
    ]);
    const theirs = event({ type: 'comment.remove', trialId: runId, commentId: 'c1', author: 'bo' });
    await expect(ingest([theirs])).rejects.toThrow(IngestInputError);
    await expect(ingest([theirs])).rejects.toThrow(/event 0: comment c1 is ana's to delete/);
    const record = event({ type: 'trial.remove', trialId: runId });
    await expect(ingest([record])).rejects.toThrow(/cannot be posted here/);
    const unknown = event({ type: 'trial.patch', trialId: 'f'.repeat(32), starred: true });
    await expect(ingest([unknown])).rejects.toThrow(/no MLflow run/);
  });
});
