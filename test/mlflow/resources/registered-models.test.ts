import { describe, expect, it } from 'vitest';
import {
  MlflowAlreadyExistsError,
  MlflowInvalidRequestError,
  MlflowNotFoundError,
} from '../../../src/mlflow/index.js';
import { freshRun, testClient, uniqueName } from '../helpers.js';

const client = testClient();

/** A registered model with two versions from one run. */
async function modelWithTwoVersions(): Promise<{ name: string; runId: string }> {
  const name = uniqueName('model');
  const { runId } = await freshRun(client, 'registry');
  await client.createRegisteredModel(name);
  for (let i = 0; i < 2; i++) {
    await client.createModelVersion({ name, source: `runs:/${runId}/model`, runId });
  }
  return { name, runId };
}

describe('registered models', () => {
  it('creates a model with tags and a description and gets it back', async () => {
    const name = uniqueName('model');
    const created = await client.createRegisteredModel(name, {
      tags: { team: 'vision', stars: 5 },
      description: 'détecteur',
    });
    expect(created).toMatchObject({ name, description: 'détecteur', tags: { team: 'vision', stars: '5' } });
    expect(typeof created.creationTimestamp).toBe('number');
    const got = await client.getRegisteredModel(name);
    expect(got).toMatchObject({ name, description: 'détecteur', aliases: {}, latestVersions: [] });
    expect(got.tags).toEqual({ team: 'vision', stars: '5' });
  });

  it('refuses a duplicate name with MlflowAlreadyExistsError', async () => {
    const name = uniqueName('model');
    await client.createRegisteredModel(name);
    await expect(client.createRegisteredModel(name)).rejects.toMatchObject({
      constructor: MlflowAlreadyExistsError,
      errorCode: 'RESOURCE_ALREADY_EXISTS',
      retryable: false,
    });
  });

  it('throws MlflowNotFoundError for a missing model', async () => {
    await expect(client.getRegisteredModel(uniqueName('missing'))).rejects.toMatchObject({
      constructor: MlflowNotFoundError,
      errorCode: 'RESOURCE_DOES_NOT_EXIST',
      status: 404,
    });
  });

  it('renames, updates and deletes a model', async () => {
    const name = uniqueName('model');
    await client.createRegisteredModel(name);
    const renamed = await client.renameRegisteredModel(name, `${name}-v2`);
    expect(renamed.name).toBe(`${name}-v2`);
    await expect(client.getRegisteredModel(name)).rejects.toBeInstanceOf(MlflowNotFoundError);
    const updated = await client.updateRegisteredModel(`${name}-v2`, 'now described');
    expect(updated.description).toBe('now described');
    await client.deleteRegisteredModel(`${name}-v2`);
    await expect(client.getRegisteredModel(`${name}-v2`)).rejects.toBeInstanceOf(MlflowNotFoundError);
  });

  it('sets and deletes tags', async () => {
    const name = uniqueName('model');
    await client.createRegisteredModel(name);
    await client.setRegisteredModelTag(name, 'stage', 'beta');
    expect((await client.getRegisteredModel(name)).tags).toEqual({ stage: 'beta' });
    await client.deleteRegisteredModelTag(name, 'stage');
    expect((await client.getRegisteredModel(name)).tags).toEqual({});
  });

  it('searches page by page and iterates every match', async () => {
    const prefix = uniqueName('search');
    for (let i = 0; i < 3; i++) await client.createRegisteredModel(`${prefix}-${i}`);
    const search = client.searchRegisteredModels({
      filter: `name LIKE '${prefix}-%'`,
      orderBy: ['name ASC'],
      maxResults: 2,
    });
    const first = await search;
    expect(first.registeredModels.map((m) => m.name)).toEqual([`${prefix}-0`, `${prefix}-1`]);
    expect(first.nextPageToken).toBeTruthy();
    const all = [];
    for await (const model of search) all.push(model.name);
    expect(all).toEqual([`${prefix}-0`, `${prefix}-1`, `${prefix}-2`]);
  });

  it('sets, moves, reads and deletes an alias', async () => {
    const { name } = await modelWithTwoVersions();
    await client.setRegisteredModelAlias(name, 'champion', '1');
    expect((await client.getModelVersionByAlias(name, 'champion')).version).toBe('1');
    await client.setRegisteredModelAlias(name, 'champion', 2);
    const champion = await client.getModelVersionByAlias(name, 'champion');
    expect(champion).toMatchObject({ name, version: '2', aliases: ['champion'] });
    expect((await client.getRegisteredModel(name)).aliases).toEqual({ champion: '2' });
    await client.deleteRegisteredModelAlias(name, 'champion');
    // MLflow answers INVALID_PARAMETER_VALUE for an alias that is not set.
    await expect(client.getModelVersionByAlias(name, 'champion')).rejects.toBeInstanceOf(
      MlflowInvalidRequestError,
    );
    await expect(client.getModelVersionByAlias(uniqueName('missing'), 'champion')).rejects.toBeInstanceOf(
      MlflowNotFoundError,
    );
  });

  it('refuses an alias on a missing version', async () => {
    const { name } = await modelWithTwoVersions();
    await expect(client.setRegisteredModelAlias(name, 'champion', '99')).rejects.toBeInstanceOf(
      MlflowNotFoundError,
    );
    await expect(client.setRegisteredModelAlias(name, 'latest', '1')).rejects.toBeInstanceOf(
      MlflowInvalidRequestError,
    );
  });

  it('gets the latest versions per stage (deprecated stages)', async () => {
    const { name } = await modelWithTwoVersions();
    const latest = await client.getLatestVersions(name);
    expect(latest.map((v) => [v.version, v.currentStage])).toEqual([['2', 'None']]);
    await client.transitionModelVersionStage(name, '1', 'Production');
    const production = await client.getLatestVersions(name, ['Production']);
    expect(production.map((v) => v.version)).toEqual(['1']);
  });
});
