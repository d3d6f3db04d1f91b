// The MLflow poller reading searches logged the way Optuna users log them: a real Optuna study with
// `optuna_integration.MLflowCallback` (flat, and nested under a parent run), and a training loop
// logging val_loss per epoch with MLflow's fluent API while Optuna prunes it.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { venvPython } from '../../../../scripts/mlflow-server.mjs';
import { MlflowPoller, type StudyGrouping } from '../../../../src/client/index.js';
import { MlflowClient } from '../../../../src/mlflow/index.js';
import type { SnapshotEvent } from '../../../../src/protocol/index.js';

const script = fileURLToPath(new URL('../../../fixtures/optuna_search.py', import.meta.url));
const client = new MlflowClient({ trackingUri: inject('mlflowUri') });
const prefix = `optuna-${Date.now()}`;

/** What the poller gives a new page for `experiment`. */
async function read(experiment: string, studies?: StudyGrouping): Promise<SnapshotEvent> {
  const poller = new MlflowPoller({ client, experiments: [{ name: `${prefix}-${experiment}` }], studies });
  try {
    return await poller.snapshot();
  } finally {
    poller.close();
  }
}

describe('the MLflow poller on Optuna searches', () => {
  beforeAll(() => {
    const run = spawnSync(venvPython, [script, inject('mlflowUri'), prefix], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
  }, 120_000);

  it('labels trials by run name, numbers them by Optuna and keeps params as logged', async () => {
    const { trials } = await read('flat');
    expect(trials.map((t) => [t.name, t.number, t.status]).sort()).toEqual(
      [0, 1, 2, 3, 4].map((n) => [String(n), n, 'succeeded']),
    );
    for (const trial of trials) {
      expect(Number(trial.params.lr)).toBeGreaterThan(0);
      expect(trial.tags.dataset).toBe('mnist'); // a user attr
      expect(Object.keys(trial.tags)).not.toContain('state');
      expect(Object.keys(trial.tags)).not.toContain('lr_distribution');
      // Optuna's times became the trial's; MLflow's system tags (user, source) are not the user's tags.
      expect(Object.keys(trial.tags)).not.toContain('datetime_start');
      expect(Object.keys(trial.tags).filter((k) => k.startsWith('mlflow.'))).toEqual([]);
    }
  });

  it('finds the objective the callback named among the metrics the training logged', async () => {
    const { studies } = await read('extra');
    expect(studies[0].objective).toEqual({ metric: 'accuracy', direction: 'maximize' });
    // Every trial is over: the experiment's study no longer reads as running.
    expect(studies[0].status).toBe('completed');
  });

  it("analyses a multi-objective study by its first objective, the callback's value_0", async () => {
    const { studies, metrics } = await read('multi');
    expect(studies[0].objective).toEqual({ metric: 'value_0', direction: 'minimize' });
    // Every objective's direction, for views that plot value_1 against value_0.
    expect(studies[0].tags['optuna.directions']).toBe('minimize,maximize');
    expect(new Set(metrics.map((m) => m.key))).toEqual(new Set(['value_0', 'value_1']));
  });

  it("gives each trial Optuna's duration when the callback logged its run only once it was over", async () => {
    const { trials } = await read('slow');
    expect(trials).toHaveLength(2);
    for (const trial of trials) {
      expect(trial.endedAt! - trial.startedAt!).toBeGreaterThanOrEqual(300);
      expect(trial.endedAt! - trial.startedAt!).toBeLessThan(5_000);
    }
  });

  it("takes the study's objective and search space from the callback's tags", async () => {
    const { studies } = await read('flat');
    expect(studies).toHaveLength(1);
    expect(studies[0].objective).toEqual({ metric: 'value', direction: 'minimize' });
    expect(studies[0].searchSpace).toBe('layers: int[1, 4] · lr: log[1e-05, 0.1] · optimizer: {adam, sgd}');
  });

  it('reads pruned trials as pruned, and a fluent-API metric as the objective', async () => {
    const { studies, trials, metrics } = await read('pruned');
    expect(trials.map((t) => [t.number, t.status]).sort()).toEqual([
      [0, 'succeeded'],
      [1, 'pruned'],
      [2, 'succeeded'],
      [3, 'pruned'],
    ]);
    expect(studies[0].objective).toEqual({ metric: 'val_loss', direction: 'minimize' });
    const pruned = trials.find((t) => t.number === 1)!;
    // Epochs 0-2 logged, then the callback's objective value (Optuna's last report) at step 0.
    expect(new Set(metrics.find((m) => m.trialId === pruned.id)?.steps)).toEqual(new Set([0, 1, 2]));
  });

  it('makes a parent run with child trials a study of its own, named after it', async () => {
    const { studies, trials } = await read('nested');
    const parent = studies.find((s) => s.name === 'lr-search')!;
    const experiment = studies.find((s) => s.name === `${prefix}-nested`)!;
    expect(parent.id).not.toBe(experiment.id);
    expect(parent.objective).toEqual({ metric: 'value', direction: 'maximize' });
    expect(
      trials
        .filter((t) => t.studyId === parent.id)
        .map((t) => t.name)
        .sort(),
    ).toEqual(['0', '1', '2']);
    expect(trials.filter((t) => t.studyId === experiment.id).map((t) => t.name)).toEqual(['baseline']);
  });

  it('keeps the experiment as the one study when asked', async () => {
    const { studies, trials } = await read('nested', 'experiment');
    expect(studies.map((s) => s.name)).toEqual([`${prefix}-nested`]);
    expect(trials.map((t) => t.name).sort()).toEqual(['0', '1', '2', 'baseline', 'lr-search']);
  });
});
