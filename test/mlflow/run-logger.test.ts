import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MlflowError,
  MlflowValidationError,
  RunLogger,
  RunLoggerError,
  RunLoggerFullError,
} from '../../src/mlflow/index.js';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { freshRun, mlflowUri, testClient } from './helpers.js';

const client = testClient();

describe('RunLogger against the server', () => {
  it('delivers 100,000 points, one logMetric call each, whole and in order', {
    timeout: 300_000,
  }, async () => {
    const { runId } = await freshRun(client, 'logger-100k');
    const logger = client.runLogger(runId);
    const t0 = 1_700_000_000_000;
    for (let step = 0; step < 100_000; step++) {
      const room = logger.logMetric('loss', 1 / (step + 1), { step, timestamp: t0 + step });
      if (room) await room;
    }
    await logger.close();
    const history = await client.getMetricHistory(runId, 'loss');
    expect(history).toHaveLength(100_000);
    expect(history.every((p, i) => p.step === i && p.timestamp === t0 + i && p.value === 1 / (i + 1))).toBe(
      true,
    );
  });

  it('refuses points past maxPending instead of queueing them, and takes more once they are sent', async () => {
    const { runId } = await freshRun(client, 'logger-cap');
    const logger = client.runLogger(runId, { maxPending: 3, flushIntervalMs: 10_000 });
    logger.logMetrics({ a: 1, b: 2 }, { step: 0 });
    expect(() => logger.logMetrics({ a: 3, b: 4 }, { step: 1 })).toThrow(RunLoggerFullError);
    expect(logger.queued).toBe(2);
    logger.logMetric('a', 5, { step: 2 });
    expect(() => logger.logMetric('a', 6, { step: 3 })).toThrow(/maxPending \(3\)/);
    await logger.flush();
    logger.logMetric('a', 7, { step: 4 });
    await logger.close();
    expect((await client.getMetricHistory(runId, 'a')).map((p) => p.value)).toEqual([1, 5, 7]);
  });

  it('delivers params, tags and metrics logged together, with the last value of a tag', async () => {
    const { runId } = await freshRun(client, 'logger-mixed');
    const logger = client.runLogger(runId);
    logger.logParams({ lr: 0.01, optimizer: 'adam' });
    logger.setTags({ phase: 'warmup' });
    logger.logMetrics({ loss: 0.9, acc: 0.1 }, { step: 0 });
    logger.setTags({ phase: 'train' });
    logger.logMetrics({ loss: 0.5, acc: 0.6 }, { step: 1 });
    await logger.flush();
    const run = await client.getRun(runId);
    expect(run.data.params).toEqual({ lr: '0.01', optimizer: 'adam' });
    expect(run.data.tags.phase).toBe('train');
    expect(run.data.metrics).toEqual({ loss: 0.5, acc: 0.6 });
    await logger.close();
  });

  it('drops and reports a param MLflow refuses, and delivers the rest of its batch and the queue', async () => {
    const { runId } = await freshRun(client, 'logger-refused');
    await client.logParam(runId, 'lr', '0.1');
    const logger = client.runLogger(runId);
    logger.logParams({ lr: 0.2, optimizer: 'adam' });
    logger.setTags({ phase: 'train' });
    for (let step = 0; step < 50; step++) logger.logMetric('loss', 1 / (step + 1), { step });
    const error = await logger.flush().catch((e) => e);
    expect(error).toBeInstanceOf(RunLoggerError);
    expect(error.refused).toMatchObject([{ kind: 'param', key: 'lr', error: { status: 400 } }]);
    expect(error.undelivered).toBe(0);
    expect(error.message).toContain('MLflow refused param "lr"');
    const run = await client.getRun(runId);
    expect(run.data.params).toEqual({ lr: '0.1', optimizer: 'adam' });
    expect(run.data.tags.phase).toBe('train');
    expect(await client.getMetricHistory(runId, 'loss')).toHaveLength(50);
    // Reported once: the queue is clear, and later points flow.
    logger.logMetric('loss', 0, { step: 50 });
    await logger.close();
    expect(await client.getMetricHistory(runId, 'loss')).toHaveLength(51);
  });

  it('refuses one logParams call that gives a key two values, and queues none of it', async () => {
    const { runId } = await freshRun(client, 'logger-twice');
    const logger = client.runLogger(runId);
    expect(() =>
      logger.logParams([
        { key: 'p', value: 1 },
        { key: 'p', value: 2 },
      ]),
    ).toThrow(MlflowValidationError);
    expect(logger.queued).toBe(0);
    logger.logParams([
      { key: 'p', value: 1 },
      { key: 'p', value: 1 },
    ]);
    expect(logger.queued).toBe(1);
    await logger.close();
    expect((await client.getRun(runId)).data.params).toEqual({ p: '1' });
  });

  it('sends a partial batch after flushIntervalMs without a flush', async () => {
    const { runId } = await freshRun(client, 'logger-timer');
    const logger = client.runLogger(runId, { flushIntervalMs: 50 });
    logger.logMetric('m', 1, { step: 0 });
    await expect
      .poll(async () => (await client.getRun(runId)).data.metrics, { timeout: 20_000 })
      .toEqual({ m: 1 });
    await logger.close();
  });
});

describe('RunLogger when batches fail', () => {
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = await startFaultProxy(mlflowUri());
  });
  afterAll(() => proxy.close());

  it('rejects flush with RunLoggerError, keeps the points, and delivers them on the next flush', async () => {
    const direct = testClient({ trackingUri: proxy.uri, retry: false });
    const { runId } = await freshRun(direct, 'logger-fail');
    const logger = direct.runLogger(runId, { concurrency: 1 });
    proxy.inject({ kind: 'status', status: 500 }, { match: '/runs/log-batch' });
    for (let step = 0; step < 3000; step++) logger.logMetric('m', step, { step, timestamp: 1 });
    const error = await logger.flush().catch((e) => e);
    expect(error).toBeInstanceOf(RunLoggerError);
    expect(error.undelivered).toBe(3000); // the failed batch and the two it held back
    expect(error.cause).toMatchObject({ status: 500 });
    await logger.close();
    const history = await direct.getMetricHistory(runId, 'm');
    expect(history.map((p) => p.step)).toEqual(Array.from({ length: 3000 }, (_, i) => i));
  });

  it('retries a lost response without duplicating points', async () => {
    const proxied = testClient({ trackingUri: proxy.uri, retry: { baseDelayMs: 10 } });
    const { runId } = await freshRun(proxied, 'logger-dup');
    proxy.resetLog();
    proxy.inject({ kind: 'drop-response' }, { match: '/runs/log-batch' });
    const logger = proxied.runLogger(runId);
    for (let step = 0; step < 1500; step++) logger.logMetric('m', step, { step, timestamp: 7 });
    await logger.close();
    expect(proxy.delivered('/runs/log-batch').length).toBe(3);
    expect(await proxied.getMetricHistory(runId, 'm')).toHaveLength(1500);
  });
});

describe('RunLogger mechanics', () => {
  /** A PostBatch that holds each request until released, and records what was sent. */
  function heldPost() {
    const bodies: { metrics: unknown[]; params: unknown[]; tags: unknown[] }[] = [];
    const pending: (() => void)[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const post = (body: string) => {
      bodies.push(JSON.parse(body));
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      return new Promise<void>((resolve) =>
        pending.push(() => {
          inFlight--;
          resolve();
        }),
      );
    };
    const releaseAll = () => {
      for (const release of pending.splice(0)) release();
    };
    return { post, bodies, releaseAll, maxInFlight: () => maxInFlight };
  }

  it('asks the caller to wait once maxQueued points are held, and lets go when a batch lands', async () => {
    const held = heldPost();
    const logger = new RunLogger(held.post, 'r', { maxQueued: 2000, concurrency: 1 });
    for (let i = 0; i < 1999; i++) expect(logger.logMetric('m', i, { step: i })).toBeUndefined();
    const room = logger.logMetric('m', 1999, { step: 1999 });
    expect(room).toBeInstanceOf(Promise);
    let resolved = false;
    room?.then(() => {
      resolved = true;
    });
    await Promise.resolve();
    expect(resolved).toBe(false);
    held.releaseAll();
    await room;
    expect(logger.queued).toBeLessThan(2000);
    const flushed = logger.flush();
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 0));
      held.releaseAll();
    }
    await flushed;
    expect(held.bodies.flatMap((b) => b.metrics)).toHaveLength(2000);
  });

  it('keeps at most `concurrency` requests in flight and fills each to 1,000 entities', async () => {
    const held = heldPost();
    const logger = new RunLogger(held.post, 'r', { concurrency: 3, maxQueued: 100_000 });
    for (let i = 0; i < 10_000; i++) logger.logMetric('m', i, { step: i });
    expect(held.maxInFlight()).toBe(3);
    const flushed = logger.flush();
    while (held.bodies.length < 10) {
      held.releaseAll();
      await new Promise((r) => setTimeout(r, 0));
    }
    held.releaseAll();
    await flushed;
    expect(held.maxInFlight()).toBe(3);
    expect(held.bodies.map((b) => b.metrics.length)).toEqual(Array(10).fill(1000));
  });

  it('refuses a bad key at once and a changed param, naming the key', () => {
    const logger = new RunLogger(async () => {}, 'r');
    expect(() => logger.logMetric('bad;key', 1)).toThrow(MlflowValidationError);
    logger.logParams({ lr: 0.1 });
    expect(() => logger.logParams({ lr: 0.2 })).toThrow(/"lr".*different value/);
    expect(logger.logParams({ lr: 0.1 })).toBeUndefined();
  });

  it('refuses points after close()', async () => {
    const logger = new RunLogger(async () => {}, 'r');
    await logger.close();
    expect(() => logger.logMetric('m', 1)).toThrow(MlflowError);
  });

  it('rejects a pending backpressure promise when a batch fails', async () => {
    const failing = async () => {
      throw new Error('boom');
    };
    const logger = new RunLogger(failing, 'r', { maxQueued: 1000 });
    let room: Promise<void> | undefined;
    for (let i = 0; i < 1000 && !room; i++) room = logger.logMetric('m', i, { step: i });
    await expect(room).rejects.toBeInstanceOf(RunLoggerError);
    await expect(logger.flush()).rejects.toThrow('boom');
  });
});
