import { describe, expect, it } from 'vitest';
import { MlflowAlreadyExistsError, MlflowNotFoundError, ViewType } from '../../../src/mlflow/index.js';
import { testClient, uniqueName } from '../helpers.js';

const client = testClient();

describe('experiments', () => {
  it('creates an experiment with tags and reads it back by id and by name', async () => {
    const name = uniqueName('exp');
    const id = await client.createExperiment(name, { tags: { team: 'vision', size: 3 } });
    const byId = await client.getExperiment(id);
    expect(byId).toMatchObject({
      experimentId: id,
      name,
      lifecycleStage: 'active',
      tags: { team: 'vision', size: '3' },
    });
    expect(typeof byId.creationTime).toBe('number');
    expect(await client.getExperimentByName(name)).toEqual(byId);
  });

  it("takes experiment tags up to MLflow's experiment-tag limit (20,000), not a run tag's", async () => {
    const note = 'a'.repeat(10_000);
    const id = await client.createExperiment(uniqueName('exp-long-tag'), { tags: { note } });
    expect((await client.getExperiment(id)).tags.note).toBe(note);
  });

  it('returns undefined for an unknown name and throws MlflowNotFoundError for an unknown id', async () => {
    expect(await client.getExperimentByName(uniqueName('missing'))).toBeUndefined();
    await expect(client.getExperiment('987654321')).rejects.toMatchObject({
      name: 'MlflowNotFoundError',
      errorCode: 'RESOURCE_DOES_NOT_EXIST',
      status: 404,
      method: 'GET',
      path: '/api/2.0/mlflow/experiments/get',
    });
  });

  it('refuses a name that is taken with MlflowAlreadyExistsError', async () => {
    const name = uniqueName('taken');
    await client.createExperiment(name);
    const error = await client.createExperiment(name).catch((e) => e);
    expect(error).toBeInstanceOf(MlflowAlreadyExistsError);
    expect(error.errorCode).toBe('RESOURCE_ALREADY_EXISTS');
  });

  it('renames, deletes and restores an experiment', async () => {
    const id = await client.createExperiment(uniqueName('life'));
    const renamed = uniqueName('renamed');
    await client.updateExperiment(id, renamed);
    expect((await client.getExperiment(id)).name).toBe(renamed);
    await client.deleteExperiment(id);
    expect((await client.getExperiment(id)).lifecycleStage).toBe('deleted');
    await client.restoreExperiment(id);
    expect((await client.getExperiment(id)).lifecycleStage).toBe('active');
  });

  it('sets and deletes experiment tags', async () => {
    const id = await client.createExperiment(uniqueName('tags'));
    await client.setExperimentTag(id, 'owner', 'ana');
    expect((await client.getExperiment(id)).tags.owner).toBe('ana');
    await client.deleteExperimentTag(id, 'owner');
    expect((await client.getExperiment(id)).tags.owner).toBeUndefined();
  });

  it('searches experiments page by page and iterates across pages', async () => {
    const prefix = uniqueName('search');
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await client.createExperiment(`${prefix}-${i}`));
    const filter = `name LIKE '${prefix}-%'`;
    const first = await client.searchExperiments({ filter, maxResults: 2 });
    expect(first.experiments).toHaveLength(2);
    expect(first.nextPageToken).toBeTypeOf('string');
    const seen = [];
    for await (const experiment of client.iterateExperiments({
      filter,
      maxResults: 2,
      orderBy: ['name ASC'],
    })) {
      seen.push(experiment.experimentId);
    }
    expect(seen).toEqual(ids);
  });

  it('finds deleted experiments only when asked to', async () => {
    const name = uniqueName('gone');
    const id = await client.createExperiment(name);
    await client.deleteExperiment(id);
    const filter = `name = '${name}'`;
    expect((await client.searchExperiments({ filter })).experiments).toHaveLength(0);
    const deleted = await client.searchExperiments({ filter, viewType: ViewType.DELETED_ONLY });
    expect(deleted.experiments.map((e) => e.experimentId)).toEqual([id]);
  });

  it('throws MlflowNotFoundError for tags of a missing experiment', async () => {
    await expect(client.setExperimentTag('987654321', 'k', 'v')).rejects.toBeInstanceOf(MlflowNotFoundError);
  });
});
