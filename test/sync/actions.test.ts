// A run created by MLflow's Python client is imported as a trial, changed, pushed back, and read
// back from Python identically.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { venvPython } from '../../scripts/mlflow-server.mjs';
import { createMemoryStorage, createSyncEngine, type Storage } from '../../src/sync/index.js';
import { expectRunMatchesTrial, mlflowClient } from './helpers.js';
import { study, uid } from './storage/conformance.js';

let storage: Storage;
beforeAll(async () => {
  storage = createMemoryStorage();
  await storage.ready();
});
afterAll(() => storage.close());

function python(code: string, args: string[]): unknown {
  const out = execFileSync(venvPython, ['-c', code, ...args], {
    encoding: 'utf8',
    env: { ...process.env, MLFLOW_TRACKING_URI: inject('mlflowUri'), GIT_PYTHON_REFRESH: 'quiet' },
  });
  return JSON.parse(out.trim().split('\n').pop() as string);
}

const CREATE = `
import json, sys, mlflow
from mlflow import MlflowClient
c = MlflowClient()
exp = c.create_experiment(sys.argv[1])
run = c.create_run(exp, run_name="from-python", tags={"team": "vision", "stage": "warmup"})
rid = run.info.run_id
c.log_param(rid, "lr", "0.003")
c.log_param(rid, "layers", "12")
for step in range(60):
    c.log_metric(rid, "loss", 1.0 / (step + 1), step=step, timestamp=1750000000000 + step)
    if step % 2 == 0:
        c.log_metric(rid, "acc", step / 100.0, step=step, timestamp=1750000000000 + step)
print(json.dumps({"experimentId": exp, "runId": rid}))
`;

const READ = `
import json, sys
from mlflow import MlflowClient
c = MlflowClient()
run = c.get_run(sys.argv[1])
hist = {k: sorted([[m.step, m.timestamp, m.value] for m in c.get_metric_history(run.info.run_id, k)]) for k in run.data.metrics}
print(json.dumps({"params": run.data.params, "tags": run.data.tags, "status": run.info.status, "endTime": run.info.end_time, "history": hist}))
`;

interface PythonRun {
  params: Record<string, string>;
  tags: Record<string, string>;
  status: string;
  endTime: number | null;
  history: Record<string, [number, number, number][]>;
}

it('imports a Python-created run, pushes changes back, and Python reads them back identically', async () => {
  const experimentName = uid('python-roundtrip');
  const created = python(CREATE, [experimentName]) as { experimentId: string; runId: string };
  const engine = createSyncEngine({ storage, mlflow: mlflowClient(), pollIntervalMs: 50 });
  const s = await engine.upsertStudy(study(uid('study'), { name: experimentName }));
  await engine.importExperiment(s.id);
  await engine.drain();

  const trial = await engine.findTrialByRun(created.runId);
  expect(trial).toMatchObject({
    studyId: s.id,
    status: 'running',
    params: { lr: '0.003', layers: '12' },
    tags: { team: 'vision', stage: 'warmup' },
  });
  expect(trial?.mlflow).toEqual({ experimentId: created.experimentId, runId: created.runId });
  const loss = await engine.getSeries(trial?.id as string, 'loss');
  expect(loss.steps).toEqual(Array.from({ length: 60 }, (_, i) => i));
  expect(loss.values[9]).toBeCloseTo(0.1);
  expect((await engine.getSeries(trial?.id as string, 'acc')).steps).toHaveLength(30);

  // Change it here: a tag, notes, more points, and the end of the run.
  const id = trial?.id as string;
  await engine.upsertTrial({
    ...(trial as NonNullable<typeof trial>),
    tags: { ...trial?.tags, reviewed: 'yes' },
    status: 'succeeded',
    endedAt: 1_750_000_999_000,
  });
  await engine.setTrialNotes(id, 'best so far');
  await engine.appendMetrics(
    id,
    'loss',
    Array.from({ length: 40 }, (_, i) => ({
      step: 60 + i,
      value: 0.01 / (i + 1),
      timestamp: 1_750_000_000_060 + i,
    })),
  );
  await engine.drain();
  await expectRunMatchesTrial(storage, mlflowClient(), id);

  const back = python(READ, [created.runId]) as PythonRun;
  expect(back.params).toEqual({ lr: '0.003', layers: '12' });
  expect(back.tags).toMatchObject({
    team: 'vision',
    stage: 'warmup',
    reviewed: 'yes',
    'mlflow.note.content': 'best so far',
    'mlflow.runName': 'from-python',
  });
  expect(back.status).toBe('FINISHED');
  expect(back.endTime).toBe(1_750_000_999_000);
  for (const key of ['loss', 'acc']) {
    const series = await engine.getSeries(id, key);
    const expected = series.steps
      .map((step, i) => [step, series.timestamps[i], series.values[i]])
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(back.history[key]).toEqual(expected);
  }

  // A change made in MLflow (from Python) is picked up by a pull.
  python(
    `import sys, json\nfrom mlflow import MlflowClient\nc = MlflowClient()\nc.set_tag(sys.argv[1], "stage", "final")\nc.set_terminated(sys.argv[1], "FAILED", end_time=1750000999500)\nprint(json.dumps(1))`,
    [created.runId],
  );
  await engine.pullTrial(id);
  await engine.drain();
  expect(await engine.getTrial(id)).toMatchObject({
    status: 'failed',
    endedAt: 1_750_000_999_500,
    tags: { stage: 'final', reviewed: 'yes' },
  });
}, 120_000);

it("stores the run's registered model versions on the trial when it pulls the run", async () => {
  const experimentName = uid('pull-models');
  const mlflow = mlflowClient();
  const experimentId = await mlflow.createExperiment(experimentName);
  const { info } = await mlflow.createRun({ experimentId, runName: 'registered' });
  const model = uid('model');
  await mlflow.createRegisteredModel(model);
  await mlflow.createModelVersion({ name: model, source: `runs:/${info.runId}/model`, runId: info.runId });
  const engine = createSyncEngine({ storage, mlflow, pollIntervalMs: 50 });
  const s = await engine.upsertStudy(study(uid('study'), { name: experimentName }));
  await engine.importExperiment(s.id);
  await engine.drain();
  const id = (await engine.findTrialByRun(info.runId))?.id as string;
  expect((await engine.getTrial(id))?.models).toEqual([{ name: model, version: '1', aliases: [] }]);

  await mlflow.setRegisteredModelAlias(model, 'champion', '1');
  await engine.pullTrial(id);
  await engine.drain();

  expect((await engine.getTrial(id))?.models).toEqual([{ name: model, version: '1', aliases: ['champion'] }]);
}, 60_000);

it('gives the runs of an imported experiment numbers of their own', async () => {
  const experimentName = uid('import-numbers');
  const mlflow = mlflowClient();
  const experimentId = await mlflow.createExperiment(experimentName);
  const runIds: string[] = [];
  for (let k = 0; k < 6; k++) {
    const { info } = await mlflow.createRun({
      experimentId,
      runName: `r${k}`,
      startTime: 1_750_000_000_000 + k,
    });
    // Points to store: each import's write takes a while, while other pulls are under way.
    const metrics = Array.from({ length: 3000 }, (_, step) => ({
      key: 'loss',
      value: 1 / (step + 1),
      step,
      timestamp: 1,
    }));
    await mlflow.logBatch(info.runId, { metrics });
    runIds.push(info.runId);
  }
  // Four pull jobs at once, as a default engine works them.
  const engine = createSyncEngine({ storage, mlflow, pollIntervalMs: 50, concurrency: 4 });
  const s = await engine.upsertStudy(study(uid('study'), { name: experimentName }));
  await engine.importExperiment(s.id);
  await engine.drain();
  const numbers = await Promise.all(runIds.map(async (id) => (await engine.findTrialByRun(id))?.number));
  expect(new Set(numbers).size).toBe(6);
  expect([...numbers].sort()).toEqual([0, 1, 2, 3, 4, 5]);
}, 60_000);
