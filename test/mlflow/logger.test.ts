// The client's logger: debug lines for retries and slow calls, filtered by level, none by default.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Logger, LogLevel } from '../../src/mlflow/index.js';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { freshRun, mlflowUri, testClient } from './helpers.js';

let proxy: FaultProxy;
beforeAll(async () => {
  proxy = await startFaultProxy(mlflowUri());
});
afterAll(() => proxy.close());
beforeEach(() => proxy.clear());

/** A logger that keeps every line with its level. */
function recordingLogger(): Logger & { lines: { level: string; message: string }[] } {
  const lines: { level: string; message: string }[] = [];
  const at = (level: string) => (message: string) => lines.push({ level, message });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

function loggingClient(logger: Logger, extra: { logLevel?: LogLevel; slowCallMs?: number } = {}) {
  return testClient({ trackingUri: proxy.uri, retry: { baseDelayMs: 10, maxDelayMs: 50 }, logger, ...extra });
}

describe('logger', () => {
  it('writes a debug line for each retry, naming the request, the attempt and the failure', async () => {
    const logger = recordingLogger();
    const client = loggingClient(logger);
    const { runId } = await freshRun(client);
    proxy.inject({ kind: 'status', status: 500 }, { times: 2, match: '/runs/get' });
    await client.getRun(runId);
    const retries = logger.lines.filter((l) => l.message.includes('retrying'));
    expect(retries).toHaveLength(2);
    expect(retries[0].level).toBe('debug');
    expect(retries[0].message).toMatch(/GET \/api\/2\.0\/mlflow\/runs\/get attempt 1 of 5 failed .*500/);
    expect(retries[1].message).toContain('attempt 2 of 5');
  });

  it('writes a debug line for a call slower than slowCallMs', async () => {
    const logger = recordingLogger();
    const client = loggingClient(logger, { slowCallMs: 200 });
    const { runId } = await freshRun(client);
    logger.lines.length = 0;
    proxy.inject({ kind: 'delay', ms: 300 }, { match: '/runs/get' });
    await client.getRun(runId);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatchObject({ level: 'debug' });
    expect(logger.lines[0].message).toMatch(/GET \/api\/2\.0\/mlflow\/runs\/get took \d+ ms \(1 attempt\)/);
  });

  it('passes nothing below logLevel to the logger', async () => {
    const logger = recordingLogger();
    const client = loggingClient(logger, { logLevel: 'info', slowCallMs: 0 });
    const { runId } = await freshRun(client);
    proxy.inject({ kind: 'status', status: 500 }, { match: '/runs/get' });
    await client.getRun(runId);
    expect(logger.lines).toEqual([]);
  });
});
