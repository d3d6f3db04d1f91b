// Trials whose parent run is in another experiment (Optuna's callback with `nested` and its
// default `create_experiment`): their study is named after the parent and ends with it, against
// the real MLflow server of the test setup.
import { afterEach, describe, expect, inject, it } from 'vitest';
import { MlflowPoller } from '../../../../src/client/index.js';
import { MlflowClient } from '../../../../src/mlflow/index.js';

const mlflow = new MlflowClient({ trackingUri: inject('mlflowUri') });
const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const close of cleanup.splice(0)) close();
});

const unique = (prefix: string) => `${prefix}-${Date.now()}-${Math.random().toString(36).slice(2)}`;

describe('MlflowPoller, a parent run in another experiment', () => {
  it("names the trials' study after the parent, and ends it when the parent ends", async () => {
    const home = await mlflow.createExperiment(unique('parent-home'));
    const trialsName = unique('my-search');
    const trialsExperiment = await mlflow.createExperiment(trialsName);
    const parent = (await mlflow.createRun({ experimentId: home, runName: 'my-search' })).info.runId;
    for (const runName of ['t0', 't1']) {
      const { info } = await mlflow.createRun({
        experimentId: trialsExperiment,
        runName,
        tags: [{ key: 'mlflow.parentRunId', value: parent }],
      });
      await mlflow.logMetric(info.runId, 'value', 0.5, { step: 0 });
      await mlflow.setTerminated(info.runId);
    }
    const poller = new MlflowPoller({
      client: mlflow,
      intervalMs: 3_600_000,
      fullSyncEvery: 2,
      experiments: [{ name: trialsName }],
    });
    cleanup.push(() => poller.close());
    const first = await poller.snapshot();
    expect(first.studies.map((s) => [s.id, s.name, s.status])).toEqual([[parent, 'my-search', 'running']]);
    expect(first.trials.map((t) => t.studyId)).toEqual([parent, parent]);

    await mlflow.setTerminated(parent);
    await poller.poll();
    const after = await poller.snapshot();
    expect(after.studies.map((s) => [s.name, s.status])).toEqual([['my-search', 'completed']]);
  });
});
