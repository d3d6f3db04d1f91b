import { describe, expect, it } from 'vitest';
import { MlflowValidationError } from '../../../src/mlflow/index.js';
import { freshRun, testClient } from '../helpers.js';

const client = testClient();

describe('metrics', () => {
  it('logs 25,000 points in one logBatch call and reads every one back in order', async () => {
    const { runId } = await freshRun(client, 'big-batch');
    const metrics = Array.from({ length: 25_000 }, (_, step) => ({
      key: 'loss',
      value: 1 / (step + 1),
      step,
      timestamp: 1000 + step,
    }));
    await client.logBatch(runId, { metrics });
    const history = await client.getMetricHistory(runId, 'loss');
    expect(history).toHaveLength(25_000);
    expect(history.map((p) => p.step)).toEqual(metrics.map((m) => m.step));
    expect(history[24_999]).toEqual({ key: 'loss', value: 1 / 25_000, step: 24_999, timestamp: 25_999 });
  });

  it('reads back a run whose step is past 2^53, as the nearest number', async () => {
    const { runId } = await freshRun(client, 'huge-step');
    await client.logMetric(runId, 'loss', 0.5, { step: '1152921504606846976', timestamp: 5 });
    const run = await client.getRun(runId);
    expect(run.data.latestMetrics).toEqual([{ key: 'loss', value: 0.5, step: 2 ** 60, timestamp: 5 }]);
    expect((await client.getMetricHistory(runId, 'loss'))[0].step).toBe(2 ** 60);
  });

  it('round-trips NaN, Infinity and -Infinity as numbers', async () => {
    const { runId } = await freshRun(client, 'nan');
    const values = [Number.NaN, Infinity, -Infinity, 0, -0.5, Number.MIN_VALUE, 1e300];
    await client.logBatch(runId, {
      metrics: values.map((value, step) => ({ key: 'odd', value, step, timestamp: 5 })),
    });
    await client.logMetric(runId, 'single', Number.NaN, { step: 0, timestamp: 5 });
    const history = await client.getMetricHistory(runId, 'odd');
    expect(history.map((p) => p.value)).toEqual([
      Number.NaN,
      Infinity,
      -Infinity,
      0,
      -0.5,
      Number.MIN_VALUE,
      1e300,
    ]);
    const run = await client.getRun(runId);
    expect(run.data.metrics.single).toBeNaN();
  });

  it('accepts int64 steps and timestamps as numbers or strings and returns numbers', async () => {
    const { runId } = await freshRun(client, 'int64');
    await client.logBatch(runId, {
      metrics: [
        { key: 'm', value: 1, step: '2', timestamp: '1700000000000' },
        { key: 'm', value: 2, step: -3, timestamp: 1_700_000_000_001 },
        { key: 'm', value: 3, step: '9007199254740991', timestamp: 1_700_000_000_002 },
      ],
    });
    const history = await client.getMetricHistory(runId, 'm');
    expect(history.map((p) => [p.step, p.timestamp])).toEqual([
      [2, 1_700_000_000_000],
      [-3, 1_700_000_000_001],
      [Number.MAX_SAFE_INTEGER, 1_700_000_000_002],
    ]);
  });

  it('pages through a metric history page by page', async () => {
    const { runId } = await freshRun(client, 'pages');
    const metrics = Array.from({ length: 2345 }, (_, step) => ({
      key: 'acc',
      value: step,
      step,
      timestamp: 10,
    }));
    await client.logBatch(runId, { metrics });
    const history = await client.getMetricHistory(runId, 'acc', { pageSize: 500 });
    expect(history.map((p) => p.value)).toEqual(metrics.map((m) => m.value));
    let pages = 0;
    for await (const _ of client.iterateMetricHistory(runId, 'acc', { pageSize: 1000 })) pages++;
    expect(pages).toBe(2345);
  });

  it('samples a metric across runs with getMetricHistoryBulkInterval', async () => {
    const { runId, experimentId } = await freshRun(client, 'bulk');
    const other = (await client.createRun({ experimentId })).info.runId;
    const metrics = Array.from({ length: 500 }, (_, step) => ({
      key: 'loss',
      value: step,
      step,
      timestamp: 1,
    }));
    await client.logBatch(runId, { metrics });
    await client.logBatch(other, { metrics });
    const sampled = await client.getMetricHistoryBulkInterval({
      runIds: [runId, other],
      metricKey: 'loss',
      maxResults: 10,
    });
    const mine = sampled.filter((p) => p.runId === runId);
    expect(mine.length).toBeGreaterThan(1);
    expect(mine.length).toBeLessThanOrEqual(12);
    expect(mine[0].step).toBe(0);
    expect(mine.at(-1)?.step).toBe(499);
    expect(sampled.some((p) => p.runId === other)).toBe(true);
    const window = await client.getMetricHistoryBulkInterval({
      runIds: [runId],
      metricKey: 'loss',
      startStep: 100,
      endStep: 200,
      maxResults: 5,
    });
    expect(window.every((p) => p.step >= 100 && p.step <= 200)).toBe(true);
  });

  it('refuses more than 100 runs in a bulk-interval request before sending', async () => {
    const runIds = Array.from({ length: 101 }, (_, i) => `run${i}`);
    await expect(client.getMetricHistoryBulkInterval({ runIds, metricKey: 'm' })).rejects.toBeInstanceOf(
      MlflowValidationError,
    );
  });
});
