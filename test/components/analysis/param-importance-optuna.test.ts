// Our fANOVA beside Optuna's own, on a real Optuna study reaching trialkit both ways users send one:
// logged to MLflow with Optuna's callback and read back by the MLflow poller, and posted as protocol
// events to a trialkit server's POST /events. Both give the same ranking as Optuna, and importances
// as close to Optuna's as Optuna's own are to each other across forest seeds.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { venvPython } from '../../../scripts/mlflow-server.mjs';
import { MlflowPoller, TrialStore } from '../../../src/client/index.js';
import { extractAnalysis } from '../../../src/components/analysis/analysis-data.js';
import { fanovaProgram } from '../../../src/components/param-importance/fanova.js';
import { importanceInput } from '../../../src/components/param-importance/importance-input.js';
import type { ImportanceResult } from '../../../src/components/param-importance/importance-types.js';
import { MlflowClient } from '../../../src/mlflow/index.js';
import { startDashboardServer } from '../../../src/server/app.js';

const script = fileURLToPath(new URL('../../fixtures/optuna_importance.py', import.meta.url));
const experiment = `importance-${Date.now()}`;
const TRIALS = 200;

type Importances = Record<string, number>;

describe('fANOVA importance beside Optuna', () => {
  /** Optuna's importances for forest seeds 0-4. */
  let optuna: Importances[];
  /** What reached trialkit each way. */
  const viaMlflow = new TrialStore({ schedule: () => {} });
  const viaEvents = new TrialStore({ schedule: () => {} });

  beforeAll(async () => {
    const server = await startDashboardServer({
      page: { title: 'importance', attributes: {} },
      bundle: '',
      events: (_req, res) => res.writeHead(404).end(),
      ingest: async (events) => {
        for (const event of events) viaEvents.applyTrusted(event);
      },
    });
    try {
      const out = join(mkdtempSync(join(tmpdir(), 'trialkit-importance-')), 'optuna.json');
      // Not spawnSync: the server in this process must answer the script's posts meanwhile.
      await promisify(execFile)(
        venvPython,
        [script, inject('mlflowUri'), experiment, String(TRIALS), out, `${server.url}/events`],
        { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      ).catch((error: { stderr?: string }) => {
        throw new Error(`optuna_importance.py failed: ${error.stderr ?? error}`);
      });
      optuna = JSON.parse(readFileSync(out, 'utf8'));
    } finally {
      await server.close();
    }
    const poller = new MlflowPoller({
      client: new MlflowClient({ trackingUri: inject('mlflowUri') }),
      experiments: [{ name: experiment }],
    });
    try {
      viaMlflow.applyTrusted(await poller.snapshot());
    } finally {
      poller.close();
    }
  }, 180_000);

  /** Our importances for what reached `store`, and the notes on what was left out. */
  function ours(store: TrialStore): ImportanceResult & { notes: string[] } {
    const [study] = store.studies.values();
    const { input, notes } = importanceInput(extractAnalysis(store, study, study.objective!.metric));
    return { ...fanovaProgram().computeImportance(input, { seed: 0 }), notes };
  }

  it('fits every trial, with the declared bounds and the choice one-hot, as Optuna does', () => {
    for (const store of [viaMlflow, viaEvents]) {
      const result = ours(store);
      expect(result.notes).toEqual([]);
      expect(result.trials).toBe(TRIALS);
      expect(result.importances.map((i) => i.name).sort()).toEqual(Object.keys(optuna[0]).sort());
    }
    // Params as MLflow's text or as the events' numbers: the same forest, the same answer.
    expect(ours(viaEvents).importances).toEqual(ours(viaMlflow).importances);
  });

  it.each([
    ['logged to MLflow', viaMlflow],
    ['posted as events', viaEvents],
  ])('ranks the params as Optuna does, within the spread of its own seeds (%s)', (_, store) => {
    const reference = optuna[0];
    const result = ours(store);
    const mine = Object.fromEntries(result.importances.map((i) => [i.name, i.importance]));
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
    const rankedByUs = result.importances.map((i) => i.name);
    expect(rankedByUs.slice(0, 2)).toEqual(rankedByOptuna.slice(0, 2));
    const major = rankedByOptuna.filter((k) => reference[k] >= 0.1);
    expect(rankedByUs.slice(0, major.length)).toEqual(major);
    for (const name of Object.keys(reference))
      expect(Math.abs(mine[name] - reference[name]), name).toBeLessThan(tolerance);
  });
});
