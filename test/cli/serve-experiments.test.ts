// `trialkit serve` without --experiment follows MLflow's experiments as they come and go; with
// --experiment it refuses a deleted one. It has an MLflow server of its own: following every
// experiment of the shared one would follow the other suites' writes, whose events never pause.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../scripts/ensure-built.mjs';
import { startMlflowServer } from '../../scripts/mlflow-server.mjs';
import { runServe, type ServeOptions } from '../../src/cli/serve.js';
import { MlflowClient } from '../../src/mlflow/index.js';
import type { SnapshotEvent, TrialEvent } from '../../src/protocol/index.js';
import { SseReader } from '../server/helpers.js';

let mlflowUri: string;
let client: MlflowClient;
const lines: string[] = [];
const closers: (() => Promise<void>)[] = [];
beforeAll(async () => {
  const mlflow = await startMlflowServer();
  closers.push(mlflow.stop);
  mlflowUri = mlflow.uri;
  client = new MlflowClient({ trackingUri: mlflowUri });
});
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

function options(experiments: string[]): ServeOptions {
  return {
    mlflowUri,
    experiments,
    intervalMs: 500,
    studies: 'parent',
    host: '127.0.0.1',
    port: 0,
    fallbackPort: false,
    log: (line) => lines.push(line),
  };
}

async function health(url: string): Promise<{ experiments: string[] }> {
  return (await fetch(`${url}/healthz`)).json();
}

/** The study names a new tab holds once the snapshot and the events that follow it are in. */
async function studyNames(url: string): Promise<string[]> {
  const controller = new AbortController();
  try {
    const response = await fetch(`${url}/events?v=2`, { signal: controller.signal });
    const reader = new SseReader(response.body!);
    const snapshot = (await reader.nextEvent(30_000)).event as unknown as SnapshotEvent;
    const names = new Map(snapshot.studies.map((s) => [s.id, s.name]));
    for (;;) {
      const next = await reader.nextEvent(500).catch(() => undefined);
      if (!next) break;
      const event = next.event as unknown as TrialEvent;
      if (event.type === 'study.remove') names.delete(event.studyId);
      if (event.type === 'study.upsert') names.set(event.study.id, event.study.name);
    }
    return [...names.values()];
  } finally {
    controller.abort();
  }
}

async function until(check: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('trialkit serve and the experiments MLflow has', () => {
  it('drops an experiment deleted in MLflow from the dashboard, and refuses to watch it by name', async () => {
    ensureBuilt();
    const name = `serve-deleted-${Date.now()}`;
    const experimentId = await client.createExperiment(name);
    await client.createRun({ experimentId, runName: 'r' });
    const served = await runServe(options([]));
    closers.push(() => served.close());
    await until(async () => (await studyNames(served.url)).includes(name), 40_000);

    await client.deleteExperiment(experimentId);
    // Discovery looks every 10 s.
    await until(async () => !(await health(served.url)).experiments.includes(name), 40_000);
    expect(await studyNames(served.url)).not.toContain(name);
    expect(lines).toContain(`${JSON.stringify(name)} is gone from MLflow; no longer watched`);

    await expect(runServe(options([name]))).rejects.toThrow(`has only a deleted experiment named "${name}"`);
  }, 150_000);
});
