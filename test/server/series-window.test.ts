// Series windows over HTTP and protocol v2 over SSE, on the real sync engine (memory storage, sync off).
import { get } from 'node:http';
import { brotliDecompressSync, gunzipSync, zstdDecompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSeriesWindow, SERIES_WINDOW_CONTENT_TYPE, type TrialEvent } from '../../src/protocol/index.js';
import { createEventStream, createSeriesWindowHandler } from '../../src/server/index.js';
import { createMemoryStorage, createSyncEngine, type SyncEngine } from '../../src/sync/index.js';
import { until } from '../client/fixtures.js';
import { behindBodyParser, serve, type TestServer } from './helpers.js';

let engine: SyncEngine;
let server: TestServer;
let base: string;

const points = (from: number, to: number, value = (s: number) => Math.sin(s)) =>
  Array.from({ length: to - from }, (_, i) => ({
    step: from + i,
    value: value(from + i),
    timestamp: 1000 + i,
  }));

// The memory storage starts an in-memory PGlite (WebAssembly) on first use: slow on a busy machine.
beforeAll(async () => {
  engine = createSyncEngine({ storage: createMemoryStorage(), enabled: false });
  await engine.upsertStudy({ id: 's1', name: 'search', status: 'running', createdAt: 1 });
  for (const id of ['t1', 't2'])
    await engine.upsertTrial({ id, studyId: 's1', number: id === 't1' ? 0 : 1, status: 'running' });
  await engine.appendMetrics(
    't1',
    'loss',
    points(0, 500, (s) => (s === 77 ? Number.NaN : Math.sin(s))),
  );
  await engine.appendMetrics('t2', 'loss', points(0, 300));
  server = await serve(createSeriesWindowHandler(engine));
  base = server.url.replace(/events$/, 'series');
}, 240_000);
afterAll(() => server?.stop());

describe('series windows over HTTP', { timeout: 60_000 }, () => {
  const query = { studyId: 's1', key: 'loss', x: 'step', from: 0, to: 499, columns: 20 } as const;

  it('answers GET in the binary encoding, equal to the engine answer', async () => {
    const res = await fetch(`${base}?study=s1&key=loss&x=step&from=0&to=499&columns=20`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(SERIES_WINDOW_CONTENT_TYPE);
    const window = decodeSeriesWindow(await res.arrayBuffer());
    expect(window).toEqual(await engine.getSeriesWindow(query));
    expect(window.series.map((s) => s.trialId)).toEqual(['t1', 't2']);
    expect(window.series[0].values.some(Number.isNaN)).toBe(true);
  });

  it('answers JSON to a client that accepts only JSON, and POSTed queries', async () => {
    const res = await fetch(base, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ ...query, trialIds: ['t2'] }),
    });
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = await res.json();
    expect(body.series.map((s: { trialId: string }) => s.trialId)).toEqual(['t2']);
    expect(body.series[0].steps).toEqual(
      (await engine.getSeriesWindow({ ...query, trialIds: ['t2'] })).series[0].steps,
    );
  });

  it('takes a body that a framework parsed first (express.json), and says so when one was read and dropped', async () => {
    const handler = createSeriesWindowHandler(engine);
    const parsing = await serve(behindBodyParser(handler) as never);
    try {
      const url = parsing.url.replace(/events$/, 'series');
      const post = (keep: string) =>
        fetch(url, {
          method: 'POST',
          headers: { accept: 'application/json', 'content-type': 'application/json', 'x-keep-body': keep },
          body: JSON.stringify({ ...query, trialIds: ['t2'] }),
          signal: AbortSignal.timeout(10_000),
        });
      const parsed = await post('yes');
      expect(parsed.status).toBe(200);
      expect((await parsed.json()).series.map((s: { trialId: string }) => s.trialId)).toEqual(['t2']);
      const dropped = await post('no');
      expect(dropped.status).toBe(400);
      expect(JSON.stringify(await dropped.json())).toContain('read before this handler');
    } finally {
      await parsing.stop();
    }
  });

  it('names the field of bad input with 400 and of unknown things with 404', async () => {
    const cases: [string, number, string][] = [
      ['study=s1&key=loss&columns=0', 400, 'columns'],
      ['study=s1&key=loss&columns=10&from=9&to=1', 400, 'to'],
      ['study=s1&key=loss&columns=10&from=abc', 400, 'from'],
      ['study=s1&key=loss&columns=10&x=epoch', 400, 'x'],
      ['study=s1&key=loss&columns=99999', 400, 'columns'],
      // Past 2^53: one such request ran the column plan out of memory and killed the server.
      ['study=s1&key=loss&columns=1000&from=0&to=1e18', 400, 'to'],
      ['study=s1&key=loss&columns=1000&from=-1e18&to=0', 400, 'from'],
      ['study=nope&key=loss&columns=10', 404, 'study'],
      ['study=s1&key=nope&columns=10', 404, 'key'],
      ['study=s1&key=loss&columns=10&trials=t1,elsewhere', 404, 'trials'],
    ];
    for (const [search, status, field] of cases) {
      const res = await fetch(`${base}?${search}`);
      expect([search, res.status]).toEqual([search, status]);
      expect(await res.json()).toMatchObject({ field, error: expect.any(String) });
    }
    const notJson = await fetch(base, { method: 'POST', body: '{' });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ field: 'body' });
    // A body refused part-read closes its connection: the next request on it must not stall.
    const large = await fetch(base, { method: 'POST', body: 'x'.repeat(2_000_000) });
    expect([large.status, large.headers.get('connection')]).toEqual([413, 'close']);
    await large.text();
    expect(
      (await fetch(`${base}?study=s1&key=loss&columns=10`, { signal: AbortSignal.timeout(3000) })).status,
    ).toBe(200);
  });

  it('compresses the answer with zstd, else brotli, else gzip, as the request accepts, and only then', async () => {
    const url = `${base}?study=s1&key=loss&x=step&from=0&to=499&columns=500`;
    const raw = (acceptEncoding?: string) =>
      new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
        get(url, { headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} }, (res) => {
          const parts: Buffer[] = [];
          res.on('data', (part: Buffer) => parts.push(part));
          res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(parts) }));
        }).on('error', reject);
      });
    const expected = await engine.getSeriesWindow({ ...query, columns: 500 });
    const inflate = { zstd: zstdDecompressSync, br: brotliDecompressSync, gzip: gunzipSync };
    const plain = await raw(undefined);
    expect(plain.headers['content-encoding']).toBe(undefined);
    expect(decodeSeriesWindow(plain.body)).toEqual(expected);
    const cases: [string, keyof typeof inflate | undefined][] = [
      ['gzip, deflate, br, zstd', 'zstd'],
      ['*', 'zstd'],
      ['br, gzip;q=0.8', 'br'],
      ['zstd;q=0, gzip', 'gzip'],
      ['gzip', 'gzip'],
      ['gzip;q=0', undefined],
      ['deflate, identity', undefined],
    ];
    for (const [accepted, coding] of cases) {
      const answer = await raw(accepted);
      expect([accepted, answer.headers['content-encoding']]).toEqual([accepted, coding]);
      if (!coding) {
        expect(answer.body).toEqual(plain.body);
        continue;
      }
      expect(answer.body.length).toBeLessThan(plain.body.length);
      expect(decodeSeriesWindow(inflate[coding](answer.body))).toEqual(expected);
    }
    const handler = createSeriesWindowHandler(engine);
    const fetched = await handler.handleRequest(new Request(url, { headers: { 'accept-encoding': 'gzip' } }));
    expect(fetched.headers.get('content-encoding')).toBe('gzip');
    expect(decodeSeriesWindow(gunzipSync(Buffer.from(await fetched.arrayBuffer())))).toEqual(expected);
  });

  it('answers fetch-style requests (Hono)', async () => {
    const handler = createSeriesWindowHandler(engine);
    const res = await handler.handleRequest(new Request('http://x/series?study=s1&key=loss&columns=5'));
    expect(decodeSeriesWindow(await res.arrayBuffer()).series).toHaveLength(2);
    const bad = await handler.handleRequest(new Request('http://x/series?study=s1&key=loss&columns=-1'));
    expect(bad.status).toBe(400);
  });
});

describe('protocol v2 over SSE', { timeout: 60_000 }, () => {
  it('sends summaries instead of points, and summary events for keys without points', async () => {
    const stream = createEventStream(engine);
    const events: TrialEvent[] = [];
    const detach = stream.attach(
      { send: (json) => events.push(JSON.parse(json)), close: () => {} },
      undefined,
      { v: 2, points: new Set(['acc']) },
    );
    try {
      await until(() => events.length > 0, 30_000, 'the snapshot');
      const snapshot = events[0];
      if (snapshot.type !== 'snapshot') throw new Error(`expected a snapshot, got ${snapshot.type}`);
      expect(snapshot.metrics).toEqual([]);
      expect(snapshot.summaries?.map((s) => [s.trialId, s.key, s.count])).toEqual([
        ['t1', 'loss', 500],
        ['t2', 'loss', 300],
      ]);
      await engine.appendMetrics(
        't2',
        'loss',
        points(300, 310, () => -5),
      );
      await engine.appendMetrics('t2', 'acc', points(0, 3));
      await until(() => events.length === 3, 30_000, 'two live events');
      expect(events[1]).toMatchObject({
        type: 'metrics.summary',
        summaries: [
          { trialId: 't2', key: 'loss', count: 10, min: { step: 300, value: -5 }, last: { step: 309 } },
        ],
      });
      expect(events[2]).toMatchObject({
        type: 'metrics.append',
        batches: [{ key: 'acc', steps: [0, 1, 2] }],
      });
    } finally {
      detach();
      stream.close();
    }
  });
});
