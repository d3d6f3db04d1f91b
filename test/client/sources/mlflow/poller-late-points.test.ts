// Points that reach MLflow behind a run's latest step (asynchronous logging, several writers of one
// key, a value logged again at an earlier step): the poller adds them, each once, against the real
// MLflow server of the test setup.
import { afterEach, describe, expect, inject, it } from 'vitest';
import { MlflowPoller } from '../../../../src/client/index.js';
import { MlflowClient } from '../../../../src/mlflow/index.js';
import type { MetricBatch, TrialEvent } from '../../../../src/protocol/index.js';

const mlflow = new MlflowClient({ trackingUri: inject('mlflowUri') });
const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const close of cleanup.splice(0)) close();
});

const T0 = 1_700_000_000_000;
/** `loss` at these steps; value and timestamp tell the points apart. */
const points = (steps: number[], version = 0) =>
  steps.map((step) => ({
    key: 'loss',
    step,
    value: step + version / 10,
    timestamp: T0 + step * 10 + version,
  }));

/** Step, timestamp and value of each point, in step then timestamp order. */
const sorted = (p: { step: number; timestamp: number; value: number }[]) =>
  p.map((q) => [q.step, q.timestamp, q.value]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);

describe('MlflowPoller, points behind the latest step', () => {
  it('adds points logged behind the last step held, and at any step once the run ends, each once', async () => {
    const name = `poller-late-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const experimentId = await mlflow.createExperiment(name);
    const { info } = await mlflow.createRun({ experimentId, runName: 'async', startTime: T0 });
    const runId = info.runId;
    await mlflow.logBatch(runId, { metrics: points([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) });

    const poller = new MlflowPoller({ client: mlflow, intervalMs: 3_600_000, experiments: [{ name }] });
    cleanup.push(() => poller.close());
    const appended: MetricBatch[] = [];
    cleanup.push(
      poller.subscribe((event: TrialEvent) => {
        if (event.type === 'metrics.append') appended.push(...event.batches);
      }),
    );
    await poller.snapshot();

    // A later batch lands first; the one before it, a poll later, behind the latest step.
    await mlflow.logBatch(runId, { metrics: points([20, 21]) });
    await poller.poll();
    await mlflow.logBatch(runId, { metrics: points([15, 16, 22]) });
    await poller.poll();
    // A value logged again at an early step, the latest not moving: seen once the run ends.
    await mlflow.logBatch(runId, { metrics: points([2], 1) });
    await poller.poll();
    await mlflow.setTerminated(runId);
    await poller.poll();

    const history = await mlflow.getMetricHistory(runId, 'loss');
    expect(history).toHaveLength(16);
    const snapshot = await poller.snapshot();
    const held = snapshot.metrics.find((m) => m.trialId === runId && m.key === 'loss')!;
    const heldPoints = held.steps.map((step, i) => ({
      step,
      timestamp: held.timestamps[i],
      value: held.values[i],
    }));
    expect(heldPoints.map((p) => [p.step, p.timestamp, p.value])).toEqual(sorted(history));
    // Each point reached subscribers once (the first poll's among them).
    const sent = appended.flatMap((b) =>
      b.steps.map((step, i) => ({ step, timestamp: b.timestamps[i], value: b.values[i] })),
    );
    expect(sorted(sent)).toEqual(sorted(history));
  });
});
