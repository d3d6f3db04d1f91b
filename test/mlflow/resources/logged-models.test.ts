import { describe, expect, it } from 'vitest';
import { MlflowNotFoundError } from '../../../src/mlflow/index.js';
import { freshRun, testClient, uniqueName } from '../helpers.js';

const client = testClient();

describe('logged models', () => {
  it('creates a pending model with params and tags, then finalizes it', async () => {
    const { experimentId, runId } = await freshRun(client, 'lm');
    const model = await client.createLoggedModel({
      experimentId,
      name: 'classifier',
      modelType: 'sklearn',
      sourceRunId: runId,
      params: { lr: 0.01 },
      tags: { team: 'vision' },
    });
    expect(model).toMatchObject({
      experimentId,
      name: 'classifier',
      modelType: 'sklearn',
      sourceRunId: runId,
      status: 'PENDING',
      params: { lr: '0.01' },
      metrics: [],
    });
    expect(model.modelId).toMatch(/^m-/);
    expect(model.tags.team).toBe('vision');
    expect(model.artifactLocation).toContain(model.modelId);
    const ready = await client.finalizeLoggedModel(model.modelId, 'READY');
    expect(ready.status).toBe('READY');
    expect(await client.getLoggedModel(model.modelId)).toEqual(ready);
  });

  it('sets and deletes tags and logs params', async () => {
    const { experimentId } = await freshRun(client, 'lm');
    const { modelId } = await client.createLoggedModel({ experimentId });
    await client.setLoggedModelTags(modelId, { a: '1', b: 2 });
    expect((await client.getLoggedModel(modelId)).tags).toMatchObject({ a: '1', b: '2' });
    await client.deleteLoggedModelTag(modelId, 'a');
    await client.logLoggedModelParams(modelId, [{ key: 'depth', value: 6 }]);
    const model = await client.getLoggedModel(modelId);
    expect(model.tags).not.toHaveProperty('a');
    expect(model.tags.b).toBe('2');
    expect(model.params).toEqual({ depth: '6' });
  });

  it('searches by experiment, page by page, and iterates every model', async () => {
    const experimentId = await client.createExperiment(uniqueName('lm-search'));
    for (const name of ['a', 'b', 'c']) await client.createLoggedModel({ experimentId, name });
    const search = client.searchLoggedModels({
      experimentIds: [experimentId],
      orderBy: [{ fieldName: 'name', ascending: true }],
      maxResults: 2,
    });
    const first = await search;
    expect(first.models.map((m) => m.name)).toEqual(['a', 'b']);
    const names = [];
    for await (const model of search) names.push(model.name);
    expect(names).toEqual(['a', 'b', 'c']);
    const filtered = await client.searchLoggedModels({ experimentIds: [experimentId], filter: "name = 'c'" });
    expect(filtered.models.map((m) => m.name)).toEqual(['c']);
  });

  it('deletes a model; getting it then throws MlflowNotFoundError', async () => {
    const { experimentId } = await freshRun(client, 'lm');
    const { modelId } = await client.createLoggedModel({ experimentId });
    await client.deleteLoggedModel(modelId);
    await expect(client.getLoggedModel(modelId)).rejects.toBeInstanceOf(MlflowNotFoundError);
    await expect(client.getLoggedModel('m-does-not-exist')).rejects.toBeInstanceOf(MlflowNotFoundError);
  });
});
