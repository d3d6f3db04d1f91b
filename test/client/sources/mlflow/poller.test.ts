// The MLflow poller as an event producer, streamed by `createEventStream` as `trialkit serve` does,
// against the real MLflow server of the test setup.
import { afterEach, describe, expect, inject, it } from 'vitest';
import { MlflowPoller } from '../../../../src/client/index.js';
import { MlflowClient } from '../../../../src/mlflow/index.js';
import { encodeEvent } from '../../../../src/protocol/index.js';
import { createEventStream, type EventStream } from '../../../../src/server/index.js';
import { until } from '../../fixtures.js';

const mlflow = new MlflowClient({ trackingUri: inject('mlflowUri') });
const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const close of cleanup.splice(0)) close();
});

/** An experiment of two runs, each with `points` points of `loss`. */
async function experimentWithRuns(prefix: string, points: number): Promise<string> {
  const name = `${prefix}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const experimentId = await mlflow.createExperiment(name);
  for (const run of ['a', 'b']) {
    const { info } = await mlflow.createRun({ experimentId, runName: run, startTime: 1000 });
    const metrics = Array.from({ length: points }, (_, step) => ({
      key: 'loss',
      value: 1 / (step + 1),
      step,
      timestamp: 1_700_000_000_000 + step,
    }));
    await mlflow.logBatch(info.runId, { metrics });
  }
  return name;
}

/** A client of `stream` that counts the bytes it is sent. */
async function countingClient(stream: EventStream): Promise<{ bytes: () => number }> {
  let bytes = 0;
  let snapshots = 0;
  cleanup.push(
    stream.attach({
      send: (json) => {
        bytes += json.length;
        if (json.includes('"type":"snapshot"')) snapshots++;
      },
      close: () => {},
    }),
  );
  await until(() => snapshots === 1, 10_000, 'the first snapshot');
  return { bytes: () => bytes };
}

describe('MlflowPoller', () => {
  it('streams each point once as experiments join: bytes grow linearly with the experiments', async () => {
    const names = await Promise.all(
      Array.from({ length: 20 }, () => experimentWithRuns('poller-bytes', 200)),
    );
    const poller = new MlflowPoller({ client: mlflow, intervalMs: 3_600_000 });
    const stream = createEventStream(poller);
    cleanup.push(
      () => stream.close(),
      () => poller.close(),
    );
    const client = await countingClient(stream);

    const perPoll: number[] = [];
    for (const name of names) {
      const before = client.bytes();
      poller.follow({ name });
      await poller.poll();
      perPoll.push(client.bytes() - before);
    }

    // Each experiment's first poll sends that experiment, not the state of every one before it.
    const first = perPoll[0];
    for (const sent of perPoll) expect(sent).toBeLessThan(first * 1.2);
    // In all, about what one snapshot of the final state weighs.
    const whole = encodeEvent(await poller.snapshot()).length;
    expect(client.bytes()).toBeLessThan(whole * 1.3);
    expect((await poller.snapshot()).trials).toHaveLength(40);
  });

  it('gives a snapshot of every experiment it follows, each point once', async () => {
    const names = [await experimentWithRuns('poller-a', 5), await experimentWithRuns('poller-b', 5)];
    const poller = new MlflowPoller({
      client: mlflow,
      intervalMs: 3_600_000,
      experiments: names.map((name) => ({ name })),
    });
    cleanup.push(() => poller.close());
    const snapshot = await poller.snapshot();
    expect(snapshot.studies.map((s) => s.name).sort()).toEqual([...names].sort());
    expect(snapshot.trials).toHaveLength(4);
    expect(snapshot.metrics.map((m) => m.steps)).toEqual(Array(4).fill([0, 1, 2, 3, 4]));
  });
});
