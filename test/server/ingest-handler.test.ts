// createIngestHandler: `POST /events` in a host's own server (Node's http, behind a body parser,
// and fetch-based), writing through a real sync engine.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestHandler, engineIngest, type IngestHandler } from '../../src/server/index.js';
import { createMemoryStorage, createSyncEngine, type SyncEngine } from '../../src/sync/index.js';
import { batch, study, trial } from '../client/fixtures.js';
import { behindBodyParser } from './helpers.js';

let engine: SyncEngine;
let handler: IngestHandler;
let server: Server;
let url: string;

/** Serves `handle` on a loopback port; resolves with its `/events` URL. */
async function listen(
  handle: (req: IncomingMessage, res: ServerResponse) => unknown,
): Promise<[Server, string]> {
  const s = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return [s, `http://127.0.0.1:${(s.address() as AddressInfo).port}/events`];
}

beforeAll(async () => {
  engine = createSyncEngine({ storage: createMemoryStorage(), enabled: false });
  handler = createIngestHandler({ ingest: engineIngest(engine), token: 'sesame', maxBodyBytes: 64 * 1024 });
  [server, url] = await listen(handler);
});

afterAll(async () => {
  server?.close();
  await engine?.stop();
});

const json = { 'content-type': 'application/json', authorization: 'Bearer sesame' };
const post = (body: unknown, headers: Record<string, string> = json, to = url) =>
  fetch(to, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

/** The points the engine holds for a trial's `loss`. */
async function lossOf(trialId: string): Promise<number[]> {
  const snapshot = await engine.snapshot();
  const series = snapshot.metrics.find((m) => m.trialId === trialId && m.key === 'loss');
  return series ? [...series.values] : [];
}

describe('createIngestHandler', () => {
  it('stores a posted batch through the engine and answers 202 with the count', async () => {
    const events = [
      { v: 1, seq: 1, type: 'study.upsert', study: study('s') },
      { v: 1, seq: 2, type: 'trial.upsert', trial: trial('t', 's') },
      { v: 1, seq: 3, type: 'metrics.append', batches: [batch('t', 'loss', [0, 1], [0.9, 0.5])] },
    ];
    const response = await post(events);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: 3 });
    expect(await lossOf('t')).toEqual([0.9, 0.5]);
  });

  it('refuses without the token, other methods and types, and names a bad event, storing none of its batch', async () => {
    const good = { v: 1, seq: 4, type: 'metrics.append', batches: [batch('t', 'loss', [2], [0.4])] };
    const noToken = await post([good], { 'content-type': 'application/json' });
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get('www-authenticate')).toBe('Bearer');
    expect((await noToken.json()).error.code).toBe('unauthorized');
    expect((await post([good], { ...json, authorization: 'Bearer wrong' })).status).toBe(401);
    const get = await fetch(url, { headers: json });
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
    const text = await post([good], { ...json, 'content-type': 'text/plain' });
    expect([text.status, (await text.json()).error.code]).toEqual([415, 'unsupported_media_type']);
    const notJson = await post('{', json);
    expect([notJson.status, (await notJson.json()).error.code]).toEqual([400, 'invalid_json']);
    const bad = await post([good, { v: 1, seq: 5, type: 'metrics.append', batches: [{ trialId: 't' }] }]);
    const body = await bad.json();
    expect([bad.status, body.error.code, body.error.index]).toEqual([400, 'invalid_event', 1]);
    expect(body.error.message).toMatch(/^event 1: /);
    const snapshotOnly = await post([
      { v: 1, seq: 6, type: 'snapshot', studies: [], trials: [], metrics: [] },
    ]);
    expect((await snapshotOnly.json()).error.code).toBe('invalid_event');
    const unknownTrial = await post([{ ...good, batches: [batch('nobody', 'loss', [0], [1])] }]);
    expect([unknownTrial.status, (await unknownTrial.json()).error.code]).toEqual([400, 'invalid_event']);
    const large = await post(`[${' '.repeat(70 * 1024)}]`);
    expect([large.status, (await large.json()).error.code]).toEqual([413, 'body_too_large']);
    expect(await lossOf('t')).toEqual([0.9, 0.5]);
  });

  it('takes the body a parser read first from req.body, and refuses one read and dropped', async () => {
    const [front, frontUrl] = await listen(behindBodyParser(handler));
    try {
      const event = { v: 1, seq: 7, type: 'metrics.append', batches: [batch('t', 'loss', [2], [0.4])] };
      const kept = await post([event], { ...json, 'x-keep-body': 'yes' }, frontUrl);
      expect(kept.status).toBe(202);
      expect(await lossOf('t')).toEqual([0.9, 0.5, 0.4]);
      const dropped = await post([event], json, frontUrl);
      expect([dropped.status, (await dropped.json()).error.code]).toEqual([400, 'body_already_read']);
    } finally {
      front.close();
    }
  });

  it('answers fetch requests too, as Hono hands them over (handleRequest)', async () => {
    const event = { v: 1, seq: 8, type: 'metrics.append', batches: [batch('t', 'loss', [3], [0.3])] };
    const request = (body: string, headers: Record<string, string> = json, method = 'POST') =>
      handler.handleRequest(new Request('http://localhost/events', { method, headers, body }));
    const ok = await request(JSON.stringify(event));
    expect([ok.status, await ok.json()]).toEqual([202, { accepted: 1 }]);
    expect(await lossOf('t')).toEqual([0.9, 0.5, 0.4, 0.3]);
    expect((await request(JSON.stringify(event), { 'content-type': 'application/json' })).status).toBe(401);
    const large = await request(`[${' '.repeat(70 * 1024)}]`);
    expect([large.status, (await large.json()).error.code]).toEqual([413, 'body_too_large']);
    const bad = await request(JSON.stringify([{ ...event, batches: [{ trialId: 't' }] }]));
    expect([bad.status, (await bad.json()).error.index]).toEqual([400, 0]);
    const get = await handler.handleRequest(new Request('http://localhost/events', { headers: json }));
    expect(get.status).toBe(405);
  });
});
