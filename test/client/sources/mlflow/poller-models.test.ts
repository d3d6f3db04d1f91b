// The MLflow poller's trials carry the registry's model versions of their runs, against the real
// MLflow server of the test setup.
import { afterEach, describe, expect, inject, it } from 'vitest';
import { MlflowPoller } from '../../../../src/client/index.js';
import { MlflowClient } from '../../../../src/mlflow/index.js';
import type { Trial, TrialEvent } from '../../../../src/protocol/index.js';
import { startFaultProxy } from '../../../support/fault-proxy.js';

const mlflow = new MlflowClient({ trackingUri: inject('mlflowUri') });
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0)) await close();
});

const unique = (prefix: string) => `${prefix}-${Date.now()}-${Math.random().toString(36).slice(2)}`;

/** An experiment with finished runs `a` and `b`; returns its name and the run ids. */
async function experimentWithRuns(): Promise<{ name: string; a: string; b: string }> {
  const name = unique('poller-models');
  const experimentId = await mlflow.createExperiment(name);
  const ids: string[] = [];
  for (const runName of ['a', 'b']) {
    const { info } = await mlflow.createRun({ experimentId, runName, startTime: 1000 });
    await mlflow.updateRun({ runId: info.runId, status: 'FINISHED', endTime: 2000 });
    ids.push(info.runId);
  }
  return { name, a: ids[0], b: ids[1] };
}

/** Registers a version of `model` (created when missing) from `runId`; returns the version. */
async function register(model: string, runId: string): Promise<string> {
  await mlflow.createRegisteredModel(model).catch(() => undefined);
  const version = await mlflow.createModelVersion({ name: model, source: `runs:/${runId}/model`, runId });
  return version.version;
}

function startPoller(client: MlflowClient, name: string, fullSyncEvery?: number): MlflowPoller {
  const poller = new MlflowPoller({
    client,
    experiments: [{ name }],
    intervalMs: 3_600_000,
    ...(fullSyncEvery && { fullSyncEvery }),
  });
  cleanup.push(() => poller.close());
  return poller;
}

async function trialsOf(poller: MlflowPoller): Promise<Map<string, Trial>> {
  return new Map((await poller.snapshot()).trials.map((t) => [t.id, t]));
}

describe('MlflowPoller and the model registry', () => {
  it("gives each trial its run's model versions, by name then version, with their aliases", async () => {
    const { name, a, b } = await experimentWithRuns();
    const fraud = unique('fraud');
    const churn = unique('churn');
    await register(fraud, a);
    const second = await register(fraud, a);
    await register(churn, a);
    await mlflow.setRegisteredModelAlias(fraud, 'champion', second);
    await mlflow.setRegisteredModelAlias(fraud, 'canary', second);

    const trials = await trialsOf(startPoller(mlflow, name));

    expect(trials.get(a)?.models).toEqual([
      { name: churn, version: '1', aliases: [] },
      { name: fraud, version: '1', aliases: [] },
      { name: fraud, version: '2', aliases: ['canary', 'champion'] },
    ]);
    expect(trials.get(b)).not.toHaveProperty('models');
  });

  it('shows a version registered from a finished run on the next full listing', async () => {
    const { name, a } = await experimentWithRuns();
    const poller = startPoller(mlflow, name, 2);
    await poller.poll(); // the first poll, a full listing
    const upserts: Trial[] = [];
    poller.subscribe((event: TrialEvent) => {
      if (event.type === 'trial.upsert') upserts.push(event.trial);
    });
    const model = unique('late');
    await register(model, a);

    await poller.poll(); // a quick poll: finished runs are not asked about
    expect(upserts).toEqual([]);
    await poller.poll(); // a full listing

    expect(upserts.map((t) => [t.id, t.models])).toEqual([[a, [{ name: model, version: '1', aliases: [] }]]]);
  });

  describe('against a server without a registry', () => {
    it('emits its trials without models or errors, and asks the registry only once', async () => {
      const { name, a } = await experimentWithRuns();
      await register(unique('hidden'), a);
      const proxy = await startFaultProxy(inject('mlflowUri'));
      cleanup.push(() => proxy.close());
      const body = JSON.stringify({ error_code: 'ENDPOINT_NOT_FOUND', message: 'no registry' });
      proxy.inject(
        { kind: 'status', status: 404, body },
        { times: Number.POSITIVE_INFINITY, match: '/model-versions/' },
      );
      const poller = startPoller(new MlflowClient({ trackingUri: proxy.uri }), name, 1);
      const errors: TrialEvent[] = [];
      poller.subscribe((event) => {
        if (event.type === 'error') errors.push(event);
      });

      const trials = await trialsOf(poller);
      await poller.poll();
      await poller.poll();

      expect(trials.get(a)?.status).toBe('succeeded');
      expect(trials.get(a)).not.toHaveProperty('models');
      expect(errors).toEqual([]);
      expect(proxy.requests.filter((r) => r.path.includes('/model-versions/'))).toHaveLength(1);
    });
  });
});
