// Error mapping and request details, checked with a stand-in `fetch` returning fixed responses.
import { describe, expect, it } from 'vitest';
import {
  MlflowApiError,
  MlflowClient,
  MlflowNetworkError,
  MlflowPermissionError,
  MlflowResponseError,
  MlflowValidationError,
} from '../../src/mlflow/index.js';

interface Seen {
  url: string;
  init: RequestInit;
}

/** A fetch that records each call and answers with `respond`. */
function fakeFetch(respond: (seen: Seen) => Response | Promise<Response>) {
  const calls: Seen[] = [];
  const fetch = async (url: string | URL | Request, init: RequestInit = {}) => {
    const seen = { url: String(url), init };
    calls.push(seen);
    return respond(seen);
  };
  return { calls, fetch: fetch as typeof globalThis.fetch };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const runJson = {
  run: {
    info: {
      run_id: 'abc',
      experiment_id: '1',
      status: 'RUNNING',
      start_time: '1700000000000',
      lifecycle_stage: 'active',
    },
    data: { metrics: [{ key: 'm', value: 'Infinity', timestamp: '5', step: '7' }] },
  },
};

describe('request details', () => {
  it('encodes ids in the URL and sends JSON with the token, never exposing it in errors', async () => {
    const { calls, fetch } = fakeFetch(() =>
      json(404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'no run' }),
    );
    const client = new MlflowClient({
      trackingUri: 'http://mlflow.test/',
      token: 's3cret',
      fetch,
      retry: false,
    });
    const error = await client.getRun('a b&c=d/e').catch((e) => e);
    expect(calls[0].url).toBe('http://mlflow.test/api/2.0/mlflow/runs/get?run_id=a+b%26c%3Dd%2Fe');
    expect(new Headers(calls[0].init.headers).get('authorization')).toBe('Bearer s3cret');
    expect(error).toBeInstanceOf(MlflowApiError);
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain('s3cret');
    expect(error.message).toBe(
      'GET /api/2.0/mlflow/runs/get failed with 404 RESOURCE_DOES_NOT_EXIST: no run',
    );
  });

  it('prefers Basic auth when both a token and a username/password are set, like the Python client', async () => {
    const { calls, fetch } = fakeFetch(() => json(200, runJson));
    const client = MlflowClient.fromEnv(
      { fetch },
      {
        MLFLOW_TRACKING_URI: 'http://env.test',
        MLFLOW_TRACKING_TOKEN: 'tok',
        MLFLOW_TRACKING_USERNAME: 'ana',
        MLFLOW_TRACKING_PASSWORD: 'pässword',
      },
    );
    await client.getRun('abc');
    expect(calls[0].url.startsWith('http://env.test/')).toBe(true);
    const expected = `Basic ${Buffer.from('ana:pässword').toString('base64')}`;
    expect(new Headers(calls[0].init.headers).get('authorization')).toBe(expected);
  });

  it('reads MLFLOW_TRACKING_URI from process.env and fails clearly without it', () => {
    const saved = process.env.MLFLOW_TRACKING_URI;
    try {
      process.env.MLFLOW_TRACKING_URI = 'http://from-process.test';
      expect(MlflowClient.fromEnv().trackingUri).toBe('http://from-process.test');
      delete process.env.MLFLOW_TRACKING_URI;
      expect(() => MlflowClient.fromEnv()).toThrow('MLFLOW_TRACKING_URI');
    } finally {
      if (saved === undefined) delete process.env.MLFLOW_TRACKING_URI;
      else process.env.MLFLOW_TRACKING_URI = saved;
    }
  });

  it("says at once that Python's TLS variables are not read, naming Node's own", () => {
    const https = { MLFLOW_TRACKING_URI: 'https://mlflow.example' };
    expect(() => MlflowClient.fromEnv({}, { ...https, MLFLOW_TRACKING_SERVER_CERT_PATH: '/ca.pem' })).toThrow(
      'start Node with NODE_EXTRA_CA_CERTS=/ca.pem',
    );
    expect(() => MlflowClient.fromEnv({}, { ...https, MLFLOW_TRACKING_INSECURE_TLS: 'true' })).toThrow(
      MlflowValidationError,
    );
    // Node's counterpart set, or no TLS at all: nothing to say.
    const withCa = { ...https, MLFLOW_TRACKING_SERVER_CERT_PATH: '/ca.pem', NODE_EXTRA_CA_CERTS: '/ca.pem' };
    expect(MlflowClient.fromEnv({}, withCa).trackingUri).toBe('https://mlflow.example');
    const plain = { MLFLOW_TRACKING_URI: 'http://mlflow.test', MLFLOW_TRACKING_INSECURE_TLS: 'true' };
    expect(MlflowClient.fromEnv({}, plain).trackingUri).toBe('http://mlflow.test');
  });

  it('sends extra headers with every request', async () => {
    const { calls, fetch } = fakeFetch(() => json(200, runJson));
    await new MlflowClient({ trackingUri: 'http://h.test', fetch, headers: { 'x-team': 'vision' } }).getRun(
      'abc',
    );
    expect(new Headers(calls[0].init.headers).get('x-team')).toBe('vision');
  });
});

describe('responses', () => {
  it('turns int64 strings and "Infinity" into numbers', async () => {
    const { fetch } = fakeFetch(() => json(200, runJson));
    const run = await new MlflowClient({ trackingUri: 'http://x.test', fetch }).getRun('abc');
    expect(run.info.startTime).toBe(1_700_000_000_000);
    expect(run.data.latestMetrics).toEqual([{ key: 'm', value: Infinity, timestamp: 5, step: 7 }]);
  });

  it('names the field when a body does not match the schema', async () => {
    const bad = structuredClone(runJson);
    (bad.run.info as Record<string, unknown>).start_time = 'yesterday';
    const { fetch } = fakeFetch(() => json(200, bad));
    const error = await new MlflowClient({ trackingUri: 'http://x.test', fetch })
      .getRun('abc')
      .catch((e) => e);
    expect(error).toBeInstanceOf(MlflowResponseError);
    expect(error.field).toBe('run.info.start_time');
    expect(error.message).toContain('`run.info.start_time`');
    // The server would send the same again: not retried.
    expect(error.retryable).toBe(false);
  });

  it('says so when a 2xx body is not JSON, naming an HTML page by its title, and does not retry a page', async () => {
    const page = '<!doctype html><html><head><title>Sign in</title></head><body>…</body></html>';
    const { calls, fetch } = fakeFetch(() => new Response(page, { status: 200 }));
    const error = await new MlflowClient({ trackingUri: 'http://x.test', fetch })
      .getRun('abc')
      .catch((e) => e);
    expect(error).toBeInstanceOf(MlflowResponseError);
    expect(error.message).toContain('body is not JSON: an HTML page ("Sign in")');
    expect(error.retryable).toBe(false);
    expect(calls).toHaveLength(1);
    // A JSON body cut short on the way may come whole on another attempt.
    const cut = fakeFetch(() => new Response('{"run": {', { status: 200 }));
    const client = new MlflowClient({ trackingUri: 'http://x.test', fetch: cut.fetch, retry: false });
    expect((await client.getRun('abc').catch((e) => e)).retryable).toBe(true);
  });

  it('reads int64 values past 2^53 as the nearest number instead of refusing the run', async () => {
    const big = structuredClone(runJson);
    big.run.data.metrics[0].step = '1152921504606846976';
    (big.run.data.metrics[0] as Record<string, unknown>).timestamp = 1_733_500_000_000_000_000;
    const { fetch } = fakeFetch(() => json(200, big));
    const run = await new MlflowClient({ trackingUri: 'http://x.test', fetch }).getRun('abc');
    expect(run.data.latestMetrics[0]).toMatchObject({ step: 2 ** 60, timestamp: 1_733_500_000_000_000_000 });
  });

  it("gives FastAPI's error detail as the message, and an HTML error page's title", async () => {
    const detail = { detail: 'Artifact path refers to a directory' };
    const { fetch } = fakeFetch(() => json(400, detail));
    const error = await new MlflowClient({ trackingUri: 'http://x.test', fetch })
      .getRun('abc')
      .catch((e) => e);
    expect(error).toBeInstanceOf(MlflowApiError);
    expect(error.serverMessage).toBe('Artifact path refers to a directory');
    const html = '<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>';
    const page = fakeFetch(() => new Response(html, { status: 404 }));
    const notFound = await new MlflowClient({ trackingUri: 'http://x.test', fetch: page.fetch })
      .getRun('abc')
      .catch((e) => e);
    expect(notFound.serverMessage).toBe('an HTML page ("404 Not Found")');
  });

  it("explains MLflow's cross-origin refusal and how to allow the origin", async () => {
    const { fetch } = fakeFetch(() => new Response('Cross-origin request blocked', { status: 403 }));
    const client = new MlflowClient({ trackingUri: 'http://x.test', fetch });
    const error = await client.createRun({ experimentId: '1' }).catch((e) => e);
    expect(error).toBeInstanceOf(MlflowPermissionError);
    expect(error.errorCode).toBe('PERMISSION_DENIED');
    expect(error.message).toContain('--cors-allowed-origins');
  });

  it('wraps a failed fetch in MlflowNetworkError with its cause', async () => {
    const { fetch } = fakeFetch(() => {
      throw new TypeError('fetch failed');
    });
    const error = await new MlflowClient({ trackingUri: 'http://x.test', fetch, retry: false })
      .getRun('abc')
      .catch((e) => e);
    expect(error).toBeInstanceOf(MlflowNetworkError);
    expect(error.cause).toBeInstanceOf(TypeError);
    expect(error.path).toBe('/api/2.0/mlflow/runs/get');
    // Outside a browser no cross-origin rule applies: the message does not send the reader after one.
    expect(error.message).not.toContain('cross-origin');
  });

  it("says why Node's fetch failed, not only that it did", async () => {
    // Port 6000 is on fetch's list of blocked ports: undici refuses it before connecting.
    const error = await new MlflowClient({ trackingUri: 'http://127.0.0.1:6000', retry: false })
      .getRun('abc')
      .catch((e) => e);
    expect(error).toBeInstanceOf(MlflowNetworkError);
    expect(error.message).toMatch(/fetch failed: bad port/);
  });

  it('rejects with the signal reason when the caller aborts', async () => {
    const { fetch } = fakeFetch(
      (seen) =>
        new Promise((_, reject) =>
          seen.init.signal?.addEventListener('abort', () => reject(seen.init.signal?.reason)),
        ),
    );
    const controller = new AbortController();
    const pending = new MlflowClient({ trackingUri: 'http://x.test', fetch }).getRun('abc', {
      signal: controller.signal,
    });
    controller.abort(new Error('user gave up'));
    await expect(pending).rejects.toThrow('user gave up');
  });
});
