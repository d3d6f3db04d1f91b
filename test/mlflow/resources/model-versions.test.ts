import { describe, expect, it } from 'vitest';
import { MlflowInvalidRequestError, MlflowNotFoundError } from '../../../src/mlflow/index.js';
import { freshRun, testClient, uniqueName } from '../helpers.js';

const client = testClient();

async function registered(): Promise<{ name: string; runId: string }> {
  const name = uniqueName('mv');
  const { runId } = await freshRun(client, 'mv');
  await client.createRegisteredModel(name);
  return { name, runId };
}

describe('model versions', () => {
  it('creates versions numbered from 1, as strings, with tags and a description', async () => {
    const { name, runId } = await registered();
    const first = await client.createModelVersion({
      name,
      source: `runs:/${runId}/model`,
      runId,
      tags: { data: 'v1' },
      description: 'first',
    });
    expect(first).toMatchObject({
      name,
      version: '1',
      runId,
      source: `runs:/${runId}/model`,
      status: 'READY',
      currentStage: 'None',
      description: 'first',
      tags: { data: 'v1' },
      aliases: [],
    });
    const second = await client.createModelVersion({ name, source: `runs:/${runId}/model`, runId });
    expect(second.version).toBe('2');
    expect(await client.getModelVersion(name, 1)).toEqual(await client.getModelVersion(name, '1'));
  });

  it('throws MlflowNotFoundError for a missing version or model', async () => {
    const { name } = await registered();
    await expect(client.getModelVersion(name, '7')).rejects.toBeInstanceOf(MlflowNotFoundError);
    await expect(
      client.createModelVersion({ name: uniqueName('no-such-model'), source: 's3://bucket/model' }),
    ).rejects.toBeInstanceOf(MlflowNotFoundError);
  });

  it('updates, tags, untags and deletes a version', async () => {
    const { name, runId } = await registered();
    await client.createModelVersion({ name, source: `runs:/${runId}/model`, runId });
    expect((await client.updateModelVersion(name, '1', 'better')).description).toBe('better');
    await client.setModelVersionTag(name, '1', 'validated', true);
    expect((await client.getModelVersion(name, '1')).tags).toEqual({ validated: 'true' });
    await client.deleteModelVersionTag(name, '1', 'validated');
    expect((await client.getModelVersion(name, '1')).tags).toEqual({});
    await client.deleteModelVersion(name, '1');
    await expect(client.getModelVersion(name, '1')).rejects.toBeInstanceOf(MlflowNotFoundError);
  });

  it('searches page by page and iterates every version', async () => {
    const { name, runId } = await registered();
    for (let i = 0; i < 3; i++)
      await client.createModelVersion({ name, source: `runs:/${runId}/m${i}`, runId });
    const search = client.searchModelVersions({ filter: `name = '${name}'`, maxResults: 2 });
    const first = await search;
    expect(first.modelVersions).toHaveLength(2);
    expect(first.nextPageToken).toBeTruthy();
    const versions = [];
    for await (const version of search) versions.push(version.version);
    expect(versions.sort()).toEqual(['1', '2', '3']);
    const byRun = await client.searchModelVersions({ filter: `run_id = '${runId}'` });
    expect(byRun.modelVersions.map((v) => v.name)).toEqual([name, name, name]);
  });

  it('refuses a runs:/ source without the run it names', async () => {
    const { name, runId } = await registered();
    await expect(client.createModelVersion({ name, source: `runs:/${runId}/model` })).rejects.toBeInstanceOf(
      MlflowInvalidRequestError,
    );
  });

  it('gives the download URI of a version', async () => {
    const { name, runId } = await registered();
    await client.createModelVersion({ name, source: `runs:/${runId}/model`, runId });
    const uri = await client.getModelVersionDownloadUri(name, '1');
    expect(uri).toBe(`runs:/${runId}/model`);
  });

  it('moves a version between stages, archiving the previous one (deprecated stages)', async () => {
    const { name, runId } = await registered();
    await client.createModelVersion({ name, source: `runs:/${runId}/model`, runId });
    await client.createModelVersion({ name, source: `runs:/${runId}/model`, runId });
    await client.transitionModelVersionStage(name, 1, 'Production');
    const moved = await client.transitionModelVersionStage(name, 2, 'Production', true);
    expect(moved.currentStage).toBe('Production');
    expect((await client.getModelVersion(name, 1)).currentStage).toBe('Archived');
  });
});
