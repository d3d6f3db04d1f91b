// Retry behaviour against the real server, through a proxy that injects failures.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  MlflowApiError,
  type MlflowClient,
  MlflowNetworkError,
  MlflowTimeoutError,
  type RetryOptions,
} from '../../src/mlflow/index.js';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { freshRun, mlflowUri, testClient } from './helpers.js';

let proxy: FaultProxy;
let client: MlflowClient;
const fast: RetryOptions = { baseDelayMs: 10, maxDelayMs: 50 };

beforeAll(async () => {
  proxy = await startFaultProxy(mlflowUri());
  client = testClient({ trackingUri: proxy.uri, retry: fast });
});
afterAll(() => proxy.close());
beforeEach(() => {
  proxy.clear();
  proxy.resetLog();
});

describe('retries', () => {
  it('retries 500s until the server answers', async () => {
    const { runId } = await freshRun(client);
    proxy.resetLog();
    proxy.inject({ kind: 'status', status: 500 }, { times: 3, match: '/runs/get' });
    expect((await client.getRun(runId)).info.runId).toBe(runId);
    expect(proxy.requests.map((r) => r.outcome)).toEqual(['status', 'status', 'status', 'forwarded']);
  });

  it('gives up after maxAttempts with the last error', async () => {
    const { runId } = await freshRun(client);
    proxy.resetLog();
    proxy.inject({ kind: 'status', status: 502 }, { times: Infinity, match: '/runs/get' });
    const error = await client.getRun(runId, { retry: { maxAttempts: 3 } }).catch((e) => e);
    expect(error).toBeInstanceOf(MlflowApiError);
    expect(error.status).toBe(502);
    expect(proxy.requests).toHaveLength(3);
  });

  it("waits as long as a 429's Retry-After asks", async () => {
    const { runId } = await freshRun(client);
    proxy.inject({ kind: 'status', status: 429, retryAfter: 1 }, { match: '/runs/get' });
    const started = Date.now();
    await client.getRun(runId);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('retries a reset connection for idempotent calls', async () => {
    const { runId } = await freshRun(client);
    proxy.resetLog();
    proxy.inject({ kind: 'reset' }, { times: 2, match: '/runs/log-batch' });
    await client.logBatch(runId, { metrics: [{ key: 'm', value: 1, step: 0, timestamp: 1 }] });
    expect(proxy.requests.map((r) => r.outcome)).toEqual(['reset', 'reset', 'forwarded']);
    expect((await client.getRun(runId)).data.metrics).toEqual({ m: 1 });
  });

  it('turns a stall into MlflowTimeoutError and retries it', async () => {
    const { runId } = await freshRun(client);
    proxy.resetLog();
    proxy.inject({ kind: 'stall' }, { match: '/runs/get' });
    const run = await client.getRun(runId, { timeoutMs: 3000 });
    expect(run.info.runId).toBe(runId);
    expect(proxy.requests[0].outcome).toBe('stall');
    expect(proxy.requests.at(-1)?.outcome).toBe('forwarded');
  });

  it('times out a body that stalls after the headers', async () => {
    const { runId } = await freshRun(client);
    proxy.inject({ kind: 'stall', afterHeaders: true }, { times: Infinity, match: '/runs/get' });
    const error = await client.getRun(runId, { timeoutMs: 300, retry: false }).catch((e) => e);
    expect(error).toBeInstanceOf(MlflowTimeoutError);
    expect(error).toBeInstanceOf(MlflowNetworkError);
    expect(error.timeoutMs).toBe(300);
  });

  it('logs a metric exactly once when a response is lost and the batch is sent again', async () => {
    const { runId } = await freshRun(client);
    proxy.inject({ kind: 'drop-response' }, { match: '/runs/log-batch' });
    await client.logBatch(runId, {
      metrics: [{ key: 'once', value: 3, step: 1, timestamp: 42 }],
      params: { p: 1 },
    });
    expect(proxy.delivered('/runs/log-batch')).toHaveLength(2);
    expect(await client.getMetricHistory(runId, 'once')).toEqual([
      { key: 'once', value: 3, step: 1, timestamp: 42 },
    ]);
  });

  it('does not resend createRun after an ambiguous failure, so no duplicate run appears', async () => {
    const { experimentId } = await freshRun(client);
    proxy.resetLog();
    proxy.inject({ kind: 'drop-response' }, { match: '/runs/create' });
    await expect(client.createRun({ experimentId })).rejects.toBeInstanceOf(MlflowNetworkError);
    expect(proxy.delivered('/runs/create')).toHaveLength(1);
    expect((await client.searchRuns({ experimentIds: [experimentId] })).runs).toHaveLength(2);
  });

  it('does resend createRun after a 503, which proves the server did nothing', async () => {
    const { experimentId } = await freshRun(client);
    proxy.inject({ kind: 'status', status: 503 }, { match: '/runs/create' });
    await client.createRun({ experimentId });
    expect((await client.searchRuns({ experimentIds: [experimentId] })).runs).toHaveLength(2);
  });

  it('resends createRun after a reset when the call is marked idempotent by name', async () => {
    const { experimentId } = await freshRun(client);
    proxy.resetLog();
    proxy.inject({ kind: 'reset' }, { match: '/runs/create' });
    await client.createRun({ experimentId }, { idempotent: true });
    expect(proxy.requests.map((r) => r.outcome)).toEqual(['reset', 'forwarded']);
    expect((await client.searchRuns({ experimentIds: [experimentId] })).runs).toHaveLength(2);
  });

  it('sends an idempotent call once after a reset when it is marked not idempotent by name', async () => {
    const { runId } = await freshRun(client);
    proxy.resetLog();
    proxy.inject({ kind: 'reset' }, { match: '/runs/get' });
    await expect(client.getRun(runId, { idempotent: false })).rejects.toBeInstanceOf(MlflowNetworkError);
    expect(proxy.requests.map((r) => r.outcome)).toEqual(['reset']);
  });

  it('does not retry client errors', async () => {
    proxy.resetLog();
    await expect(client.getRun('0123456789abcdef0123456789abcdef')).rejects.toMatchObject({ status: 404 });
    expect(proxy.requests).toHaveLength(1);
  });

  it('stops retrying when the total time budget is spent', async () => {
    const { runId } = await freshRun(client);
    proxy.resetLog();
    proxy.inject({ kind: 'status', status: 429, retryAfter: 5 }, { times: Infinity, match: '/runs/get' });
    const started = Date.now();
    await expect(client.getRun(runId, { retry: { maxElapsedMs: 2000 } })).rejects.toMatchObject({
      status: 429,
    });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(proxy.requests).toHaveLength(1);
  });

  it('aborts pending retries when the signal fires', async () => {
    const { runId } = await freshRun(client);
    proxy.inject({ kind: 'status', status: 429, retryAfter: 30 }, { times: Infinity, match: '/runs/get' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop')), 100);
    await expect(
      client.getRun(runId, { signal: controller.signal, retry: { maxElapsedMs: 60_000 } }),
    ).rejects.toThrow('stop');
  });
});
