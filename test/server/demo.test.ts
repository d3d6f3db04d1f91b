// The simulated search behind `npm start`: stepped tick by tick, it must look like a real search
// (trials training, pruned, failing, flagged, replaced) and be reproducible from its seed.
import { describe, expect, it } from 'vitest';
import type { Study, Trial } from '../../src/protocol/index.js';
import { createDemo, type DemoEngine, type DemoPoint } from '../../src/server/demo.js';
import { createMemoryStorage, createSyncEngine } from '../../src/sync/index.js';

/** Records what the demo writes, as an engine would keep it. */
function recorder() {
  const studies = new Map<string, Study>();
  const trials = new Map<string, Trial>();
  const points = new Map<string, DemoPoint[]>();
  const engine: DemoEngine = {
    async upsertStudy(study) {
      studies.set(study.id, study);
    },
    async upsertTrial(trial) {
      trials.set(trial.id, trial);
    },
    async appendMetrics(trialId, key, added) {
      const id = `${trialId}/${key}`;
      points.set(id, [...(points.get(id) ?? []), ...added]);
    },
  };
  return { engine, studies, trials, points };
}

async function ticks(seed: number, count: number, steps = 1) {
  const r = recorder();
  const demo = createDemo(r.engine, { seed, now: () => 1_700_000_000_000 });
  for (let i = 0; i < count; i++) await demo.tick(steps);
  return r;
}

describe('the demo search', () => {
  it('starts two studies, each training four trials at once', async () => {
    const { studies, trials } = await ticks(1, 1);
    // Started in this order, the ResNet study is the newest: the dashboard opens it first.
    expect([...studies.values()].map((s) => s.name)).toEqual([
      'GPT-mini on WikiText-103 #1',
      'ResNet-18 on CIFAR-10 #1',
    ]);
    expect([...trials.values()].filter((t) => t.status === 'running')).toHaveLength(8);
  });

  it('streams loss, val_loss, accuracy and samples_seen, one point per trial and metric per tick', async () => {
    // The first tick starts the trials; the next four train them.
    const { points, trials } = await ticks(1, 5);
    const first = [...trials.keys()][0];
    for (const key of ['loss', 'val_loss', 'accuracy', 'samples_seen']) {
      expect(points.get(`${first}/${key}`)?.map((p) => p.step)).toEqual([1, 2, 3, 4]);
    }
    // Examples seen grow by the trial's batch size a step.
    const batch = Number(trials.get(first)!.params.batch_size);
    expect(points.get(`${first}/samples_seen`)!.map((p) => p.value)).toEqual(
      [1, 2, 3, 4].map((s) => s * batch),
    );
    const loss = points.get(`${first}/loss`)!.map((p) => p.value);
    expect(loss.every(Number.isFinite)).toBe(true);
  });

  it('prunes, fails and finishes trials, flags some spectral_norm, and starts new ones as others end', async () => {
    const { trials } = await ticks(1, 20, 10);
    const statuses = new Set([...trials.values()].map((t) => t.status));
    for (const status of ['running', 'succeeded', 'pruned', 'failed']) expect(statuses).toContain(status);
    expect([...trials.values()].some((t) => t.flags.includes('spectral_norm'))).toBe(true);
    expect(trials.size).toBeGreaterThan(8);
    const failed = [...trials.values()].find((t) => t.status === 'failed')!;
    expect(failed.tags.error).toBeTruthy();
    expect(failed.endedAt).toBeGreaterThan(failed.startedAt!);
  });

  it('completes a study at its target and starts the next of its kind', async () => {
    const r = recorder();
    const demo = createDemo(r.engine, { targetTrials: 6, studies: 1 });
    for (let i = 0; i < 40; i++) await demo.tick(10);
    const studies = [...r.studies.values()];
    expect(studies[0].status).toBe('completed');
    expect(studies[1]?.name).toBe('GPT-mini on WikiText-103 #2');
  });

  it('numbers its studies after those of an earlier run', async () => {
    const r = recorder();
    const demo = createDemo(r.engine, { existingStudyIds: ['demo-gpt-1'], studies: 1 });
    await demo.tick();
    expect([...r.studies.keys()]).toEqual(['demo-gpt-2']);
  });

  it('is reproducible from its seed', async () => {
    const a = await ticks(7, 10, 5);
    const b = await ticks(7, 10, 5);
    expect([...b.trials.values()]).toEqual([...a.trials.values()]);
    expect([...b.points.entries()]).toEqual([...a.points.entries()]);
  });

  it('writes only what a real sync engine accepts', async () => {
    const storage = createMemoryStorage();
    const engine = createSyncEngine({ storage, enabled: false });
    const demo = createDemo(engine);
    for (let i = 0; i < 4; i++) await demo.tick(10);
    const snapshot = await engine.snapshot();
    expect(snapshot.studies).toHaveLength(2);
    expect(snapshot.trials.length).toBeGreaterThanOrEqual(8);
    expect(snapshot.metrics.some((m) => m.key === 'val_loss' && m.steps.length >= 20)).toBe(true);
    await storage.close();
  }, 180_000);
});
