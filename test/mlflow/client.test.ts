// Credentials written into a tracking URI become Basic auth and never show in the client's URI or errors;
// a URI that is not an http(s) URL is refused at once, and headers are sent once each.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlflowClient, MlflowValidationError } from '../../src/mlflow/index.js';

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

describe('the options of a client', () => {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"experiment_id":"7"}');
  });
  let uri = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("replace a caller's headers of any spelling with the client's own, and send each once", async () => {
    const client = new MlflowClient({
      trackingUri: uri,
      token: 'tok',
      headers: { 'content-type': 'text/plain', AUTHORIZATION: 'Basic custom', 'X-Team': 'vision' },
    });
    expect(await client.createExperiment('x')).toBe('7');
    const headers = seen.at(-1)!;
    expect(headers['content-type']).toBe('application/json');
    expect(headers.authorization).toBe('Bearer tok');
    expect(headers['x-team']).toBe('vision');
  });

  it('refuse a tracking URI that is not an http(s) URL at once, without the password in the message', () => {
    for (const bad of [
      '127.0.0.1:5000',
      'databricks',
      'file:///tmp/mlruns',
      'http://u:s3cret@bad host:5000',
    ]) {
      const error = (() => {
        try {
          new MlflowClient({ trackingUri: bad });
        } catch (err) {
          return err as Error;
        }
      })();
      expect(error).toBeInstanceOf(MlflowValidationError);
      expect(error?.message).toContain('is not an http(s) URL');
      expect(error?.message).not.toContain('s3cret');
    }
  });
});
