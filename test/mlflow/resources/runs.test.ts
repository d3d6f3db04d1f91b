import { describe, expect, it } from 'vitest';
import {
  LENGTH_LIMITS,
  MlflowInvalidRequestError,
  MlflowNotFoundError,
  MlflowValidationError,
  RunStatus,
  ViewType,
} from '../../../src/mlflow/index.js';
import { freshRun, testClient, uniqueName } from '../helpers.js';

const client = testClient();

describe('runs', () => {
  it("counts a value's length in characters as MLflow does, so an emoji is one", async () => {
    const { runId } = await freshRun(client, 'emoji');
    const value = '😀'.repeat(LENGTH_LIMITS.tagValue);
    await client.setTag(runId, 'e', value);
    expect((await client.getRun(runId)).data.tags.e).toBe(value);
    await expect(client.setTag(runId, 'f', `${value}x`)).rejects.toThrow(
      `tag value is ${LENGTH_LIMITS.tagValue + 1} characters`,
    );
  });

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

  it("ends a run as Python's set_terminated does, and finds a nested run's parent", async () => {
    const { runId, experimentId } = await freshRun(client);
    const before = Date.now();
    const info = await client.setTerminated(runId);
    expect(info).toMatchObject({ runId, status: 'FINISHED' });
    expect(info!.endTime).toBeGreaterThanOrEqual(before);
    await client.setTerminated(runId, 'KILLED', 1_800_000_000_000);
    expect((await client.getRun(runId)).info).toMatchObject({ status: 'KILLED', endTime: 1_800_000_000_000 });
    const child = await client.createRun({ experimentId, tags: { 'mlflow.parentRunId': runId } });
    expect((await client.getParentRun(child.info.runId))?.info.runId).toBe(runId);
    expect(await client.getParentRun(runId)).toBeUndefined();
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
});

describe('logBatch', () => {
  it('splits 250 params, 250 tags and 3,000 metrics into requests MLflow accepts', async () => {
    const { runId } = await freshRun(client, 'split');
    const params = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`p${i}`, i]));
    const tags = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`t${i}`, `v${i}`]));
    const metrics = Array.from({ length: 3000 }, (_, i) => ({ key: `m${i % 3}`, value: i, step: i }));
    await client.logBatch(runId, { params, tags, metrics });
    const run = await client.getRun(runId);
    expect(Object.keys(run.data.params)).toHaveLength(250);
    expect(run.data.params.p249).toBe('249');
    expect(run.data.tags.t249).toBe('v249');
    expect(run.data.metrics).toEqual({ m0: 2997, m1: 2998, m2: 2999 });
  });

  it('keeps each request under 1 MB when values are long', async () => {
    const { runId } = await freshRun(client, 'bytes');
    const long = 'x'.repeat(LENGTH_LIMITS.tagValue);
    // 250 tags of 8,000 characters: 2 MB in all.
    const tags = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`tag${i}`, long]));
    const params = Object.fromEntries(
      Array.from({ length: 150 }, (_, i) => [`param${i}`, 'y'.repeat(LENGTH_LIMITS.paramValue)]),
    );
    await client.logBatch(runId, { tags, params });
    const run = await client.getRun(runId);
    expect(run.data.tags.tag249).toBe(long);
    expect(run.data.params.param149).toHaveLength(LENGTH_LIMITS.paramValue);
  });

  it('logs unicode keys and values and keys of exactly 250 characters', async () => {
    const { runId } = await freshRun(client, 'unicode');
    const longKey = `k/${'é'.repeat(248)}`;
    await client.logBatch(runId, {
      metrics: [
        { key: 'précision/épreuve', value: 0.9, step: 1, timestamp: 1 },
        { key: longKey, value: 1, step: 1, timestamp: 1 },
      ],
      params: { 学习率: '0.01', 'emoji value': '🚀 fast' },
      tags: { 'note: ünïcödé': 'naïve — ✓' },
    });
    const run = await client.getRun(runId);
    expect(run.data.metrics['précision/épreuve']).toBe(0.9);
    expect(run.data.metrics[longKey]).toBe(1);
    expect(run.data.params).toEqual({ 学习率: '0.01', 'emoji value': '🚀 fast' });
    expect(run.data.tags['note: ünïcödé']).toBe('naïve — ✓');
    expect((await client.getMetricHistory(runId, longKey))[0].value).toBe(1);
  });

  it('sends nothing when any key is invalid, and names the key', async () => {
    const { runId } = await freshRun(client, 'invalid');
    const tooLong = 'a'.repeat(251);
    const error = await client
      .logBatch(runId, {
        metrics: [
          { key: 'fine', value: 1 },
          { key: tooLong, value: 2 },
        ],
      })
      .catch((e) => e);
    expect(error).toBeInstanceOf(MlflowValidationError);
    expect(error.key).toBe(tooLong);
    expect((await client.getRun(runId)).data.metrics).toEqual({});
  });

  it.each([
    ['../escape', 'path'],
    ['/abs', 'path'],
    ['a//b', 'path'],
    ['semi;colon', 'contain'],
    ['', 'empty'],
  ])('refuses the key %j before sending', async (key, words) => {
    const { runId } = await freshRun(client, 'badkey');
    await expect(client.logBatch(runId, { params: { [key]: 'v' } })).rejects.toThrow(words);
  });

  it('refuses values over the limit instead of truncating them', async () => {
    const { runId } = await freshRun(client, 'toolong');
    const error = await client
      .logBatch(runId, { params: { big: 'z'.repeat(LENGTH_LIMITS.paramValue + 1) } })
      .catch((e) => e);
    expect(error).toBeInstanceOf(MlflowValidationError);
    expect(error.key).toBe('big');
    expect(error.message).toContain('6001 characters');
  });

  it('refuses a param given twice with different values, and keeps the last of a repeated tag', async () => {
    const { runId } = await freshRun(client, 'dupes');
    const conflict = [
      { key: 'lr', value: '0.1' },
      { key: 'lr', value: '0.2' },
    ];
    await expect(client.logBatch(runId, { params: conflict })).rejects.toBeInstanceOf(MlflowValidationError);
    await client.logBatch(runId, {
      params: [
        { key: 'lr', value: '0.1' },
        { key: 'lr', value: '0.1' },
      ],
      tags: [
        { key: 'phase', value: 'a' },
        { key: 'phase', value: 'b' },
      ],
    });
    const run = await client.getRun(runId);
    expect(run.data.params).toEqual({ lr: '0.1' });
    expect(run.data.tags.phase).toBe('b');
  });
});
