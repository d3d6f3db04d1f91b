import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  MlflowInvalidRequestError,
  MlflowNotFoundError,
  RunStatus,
  ViewType,
} from '../../src/mlflow/index.js';
import { freshRun, testClient, uniqueName } from './helpers.js';

const client = testClient();

describe('runs', () => {
  it('creates a run with a name, start time and tags, in camelCase', async () => {
    const experimentId = await client.createExperiment(uniqueName('runs'));
    const run = await client.createRun({
      experimentId,
      runName: 'trial-7',
      startTime: 1_700_000_000_000,
      tags: { a: 'b' },
    });
    expect(run.info).toMatchObject({
      experimentId,
      runName: 'trial-7',
      status: RunStatus.RUNNING,
      startTime: 1_700_000_000_000,
      lifecycleStage: 'active',
    });
    expect(run.info.runId).toMatch(/^[0-9a-f]{32}$/);
    expect(run.data.tags).toMatchObject({ a: 'b', 'mlflow.runName': 'trial-7' });
    expect(await client.getRun(run.info.runId)).toMatchObject({
      info: run.info,
      data: { params: {}, metrics: {} },
    });
  });

  it('throws MlflowNotFoundError with the error code for a missing run', async () => {
    const error = await client.getRun('0123456789abcdef0123456789abcdef').catch((e) => e);
    expect(error).toBeInstanceOf(MlflowNotFoundError);
    expect(error).toMatchObject({
      errorCode: 'RESOURCE_DOES_NOT_EXIST',
      status: 404,
      path: '/api/2.0/mlflow/runs/get',
    });
  });

  it('updates status, end time and name', async () => {
    const { runId } = await freshRun(client);
    const info = await client.updateRun({
      runId,
      status: 'FINISHED',
      endTime: 1_800_000_000_000,
      runName: 'done',
    });
    expect(info).toMatchObject({ runId, status: 'FINISHED', endTime: 1_800_000_000_000, runName: 'done' });
    expect((await client.getRun(runId)).info).toMatchObject({ status: 'FINISHED', runName: 'done' });
  });

  it('deletes and restores a run', async () => {
    const { runId, experimentId } = await freshRun(client);
    await client.deleteRun(runId);
    expect((await client.getRun(runId)).info.lifecycleStage).toBe('deleted');
    const active = await client.searchRuns({ experimentIds: [experimentId] });
    expect(active.runs).toHaveLength(0);
    const deleted = await client.searchRuns({
      experimentIds: [experimentId],
      viewType: ViewType.DELETED_ONLY,
    });
    expect(deleted.runs.map((r) => r.info.runId)).toEqual([runId]);
    await client.restoreRun(runId);
    expect((await client.getRun(runId)).info.lifecycleStage).toBe('active');
  });

  it('sets and deletes tags', async () => {
    const { runId } = await freshRun(client);
    await client.setTag(runId, 'stage', 'warmup');
    await client.setTag(runId, 'stage', 'train');
    expect((await client.getRun(runId)).data.tags.stage).toBe('train');
    await client.deleteTag(runId, 'stage');
    expect((await client.getRun(runId)).data.tags.stage).toBeUndefined();
  });

  it('logs a metric and a param one at a time', async () => {
    const { runId } = await freshRun(client);
    await client.logMetric(runId, 'loss', 0.5, { step: 3, timestamp: 1234 });
    await client.logParam(runId, 'lr', 0.01);
    const run = await client.getRun(runId);
    expect(run.data.metrics).toEqual({ loss: 0.5 });
    expect(run.data.latestMetrics).toEqual([{ key: 'loss', value: 0.5, step: 3, timestamp: 1234 }]);
    expect(run.data.params).toEqual({ lr: '0.01' });
  });

  it('refuses to change a logged param with MlflowInvalidRequestError', async () => {
    const { runId } = await freshRun(client);
    await client.logParam(runId, 'lr', '0.1');
    await client.logParam(runId, 'lr', '0.1'); // the same value again is fine
    const error = await client.logParam(runId, 'lr', '0.2').catch((e) => e);
    expect(error).toBeInstanceOf(MlflowInvalidRequestError);
    expect(error.errorCode).toBe('INVALID_PARAMETER_VALUE');
    expect(error.message).toContain('Changing param values is not allowed');
  });

  it('searches runs with a filter and an order, and iterates across pages', async () => {
    const experimentId = await client.createExperiment(uniqueName('search-runs'));
    for (let i = 0; i < 7; i++) {
      const run = await client.createRun({ experimentId, runName: `r${i}` });
      await client.logBatch(run.info.runId, { metrics: [{ key: 'score', value: i }], params: { i } });
    }
    const best = await client.searchRuns({
      experimentIds: [experimentId],
      filter: 'metrics.score >= 4',
      orderBy: ['metrics.score DESC'],
    });
    expect(best.runs.map((r) => r.data.params.i)).toEqual(['6', '5', '4']);
    const page = await client.searchRuns({ experimentIds: [experimentId], maxResults: 3 });
    expect(page.runs).toHaveLength(3);
    expect(page.nextPageToken).toBeTypeOf('string');
    const names = [];
    for await (const run of client.iterateRuns({
      experimentIds: [experimentId],
      maxResults: 3,
      orderBy: ['metrics.score ASC'],
    })) {
      names.push(run.info.runName);
    }
    expect(names).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
  });

  it('records dataset inputs', async () => {
    const { runId } = await freshRun(client);
    await client.logInputs(runId, [
      {
        dataset: { name: 'mnist', digest: 'abc123', sourceType: 'local', source: '{"uri": "/data/mnist"}' },
        tags: { 'mlflow.data.context': 'training' },
      },
    ]);
    const { inputs } = await client.getRun(runId);
    expect(inputs.datasetInputs).toHaveLength(1);
    expect(inputs.datasetInputs[0]).toMatchObject({
      dataset: { name: 'mnist', digest: 'abc123', sourceType: 'local' },
      tags: { 'mlflow.data.context': 'training' },
    });
  });

  it('lists the artifacts of a run (none yet) with its root URI', async () => {
    const { runId } = await freshRun(client);
    const listing = await client.listArtifacts(runId);
    expect(listing.rootUri).toContain(runId);
    expect(listing.files).toEqual([]);
    const all = [];
    for await (const file of client.iterateArtifacts(runId)) all.push(file);
    expect(all).toEqual([]);
  });

  it('lists artifacts the server has for a run, directory by directory', async () => {
    const run = await client.createRun({ experimentId: await client.createExperiment(uniqueName('art')) });
    // The test server stores artifacts on the local disk; put files there as an upload would.
    const root = fileURLToPath(run.info.artifactUri ?? '');
    mkdirSync(join(root, 'model'), { recursive: true });
    writeFileSync(join(root, 'model', 'weights.bin'), Buffer.alloc(1234));
    writeFileSync(join(root, 'notes.txt'), 'hi');
    const top = await client.listArtifacts(run.info.runId);
    expect(top.files).toEqual(
      expect.arrayContaining([
        { path: 'model', isDir: true, fileSize: undefined },
        { path: 'notes.txt', isDir: false, fileSize: 2 },
      ]),
    );
    const inner = await client.listArtifacts(run.info.runId, { path: 'model' });
    expect(inner.files).toEqual([{ path: 'model/weights.bin', isDir: false, fileSize: 1234 }]);
  });
});
