// Credentials written into a tracking URI become Basic auth and never show in the client's URI or errors.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlflowClient } from '../../src/mlflow/index.js';

describe('a tracking URI with user info', () => {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res
      .writeHead(500, { 'content-type': 'application/json' })
      .end('{"error_code":"INTERNAL_ERROR","message":"no"}');
  });
  let origin = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends it as Basic auth and keeps it out of trackingUri and error messages', async () => {
    const client = new MlflowClient({ trackingUri: `http://alice:s%40cret@${origin}/`, retry: false });
    expect(client.trackingUri).toBe(`http://${origin}`);
    const error = await client.getExperiment('1').catch((err: Error) => err);
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).not.toContain('cret');
    expect(seen.at(-1)?.authorization).toBe(`Basic ${Buffer.from('alice:s@cret').toString('base64')}`);
  });

  it('lets explicit credentials win over the URI', async () => {
    const client = MlflowClient.fromEnv(
      { trackingUri: `http://alice:pw@${origin}`, retry: false },
      { MLFLOW_TRACKING_USERNAME: 'bob', MLFLOW_TRACKING_PASSWORD: 'pw2' },
    );
    expect(client.trackingUri).toBe(`http://${origin}`);
    await client.getExperiment('1').catch(() => {});
    expect(seen.at(-1)?.authorization).toBe(`Basic ${Buffer.from('bob:pw2').toString('base64')}`);
  });
});
