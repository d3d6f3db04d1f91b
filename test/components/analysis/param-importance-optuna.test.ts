// Our fANOVA beside Optuna's own, on a real Optuna study logged to MLflow with Optuna's callback and
// read back by the MLflow poller, as users would open it: the same ranking, and importances as close
// to Optuna's as Optuna's own are to each other across forest seeds.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { venvPython } from '../../../scripts/mlflow-server.mjs';
import { MlflowPoller, TrialStore } from '../../../src/client/index.js';
import { extractAnalysis } from '../../../src/components/analysis/analysis-data.js';
import { fanovaProgram } from '../../../src/components/param-importance/fanova.js';
import { importanceInput } from '../../../src/components/param-importance/importance-input.js';
import type { ImportanceResult } from '../../../src/components/param-importance/importance-types.js';
import { MlflowClient } from '../../../src/mlflow/index.js';

const script = fileURLToPath(new URL('../../fixtures/optuna_importance.py', import.meta.url));
const experiment = `importance-${Date.now()}`;
const TRIALS = 200;

type Importances = Record<string, number>;

describe('fANOVA importance beside Optuna', () => {
  /** Optuna's importances for forest seeds 0-4. */
  let optuna: Importances[];
  let ours: ImportanceResult;
  let notes: string[];

  beforeAll(async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'trialkit-importance-')), 'optuna.json');
    const run = spawnSync(venvPython, [script, inject('mlflowUri'), experiment, String(TRIALS), out], {
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    optuna = JSON.parse(readFileSync(out, 'utf8'));

    const poller = new MlflowPoller({
      client: new MlflowClient({ trackingUri: inject('mlflowUri') }),
      experiments: [{ name: experiment }],
    });
    const store = new TrialStore({ schedule: () => {} });
    try {
      store.applyTrusted(await poller.snapshot());
    } finally {
      poller.close();
    }
    const [study] = store.studies.values();
    const data = extractAnalysis(store, study, study.objective!.metric);
    const built = importanceInput(data);
    notes = built.notes;
    ours = fanovaProgram().computeImportance(built.input, { seed: 0 });
  }, 180_000);

  it('fits every trial, with the declared bounds and the choice one-hot, as Optuna does', () => {
    expect(notes).toEqual([]);
    expect(ours.trials).toBe(TRIALS);
    expect(ours.importances.map((i) => i.name).sort()).toEqual(Object.keys(optuna[0]).sort());
  });

  it('ranks the params as Optuna does, within the spread of its own seeds', () => {
    const reference = optuna[0];
    const mine = Object.fromEntries(ours.importances.map((i) => [i.name, i.importance]));
    // How far Optuna moves when only the forest's seed changes: our forest draws other numbers.
    const seedSpread = Math.max(
      ...optuna
        .slice(1)
        .flatMap((other) => Object.keys(reference).map((k) => Math.abs(other[k] - reference[k]))),
    );
    const tolerance = Math.max(0.02, 1.5 * seedSpread);
    const row = (name: string) =>
      `${name.padEnd(12)} optuna ${optuna.map((o) => o[name].toFixed(3)).join(' ')}   ours ${mine[name].toFixed(3)}`;
    console.log(
      `fANOVA on ${TRIALS} trials (Optuna seeds 0-4 vs ours, seed spread ${seedSpread.toFixed(3)}, tolerance ${tolerance.toFixed(3)}):\n${Object.keys(reference).map(row).join('\n')}`,
    );

    const rankedByOptuna = Object.keys(reference).sort((a, b) => reference[b] - reference[a]);
    const rankedByUs = ours.importances.map((i) => i.name);
    expect(rankedByUs.slice(0, 2)).toEqual(rankedByOptuna.slice(0, 2));
    const major = rankedByOptuna.filter((k) => reference[k] >= 0.1);
    expect(rankedByUs.slice(0, major.length)).toEqual(major);
    for (const name of Object.keys(reference))
      expect(Math.abs(mine[name] - reference[name]), name).toBeLessThan(tolerance);
  });
});
