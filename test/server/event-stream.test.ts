import { get, type IncomingMessage } from 'node:http';
import { connect, createServer as createHttp2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createEventStream, type EventStream, type EventStreamOptions } from '../../src/server/index.js';
import { batch, study, TestProducer, trial, until } from '../client/fixtures.js';
import { SseReader, serve, type TestServer } from './helpers.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function seededProducer(): TestProducer {
  const producer = new TestProducer();
  producer.upsertStudy(study('s1'));
  producer.upsertTrial(trial('t1', 's1'));
  producer.append(batch('t1', 'loss', [0, 1]));
  return producer;
}

async function setup(options: EventStreamOptions = {}) {
  const producer = seededProducer();
  const stream = createEventStream(producer, options);
  const server = await serve(stream);
  cleanup.push(
    () => server.stop(),
    () => stream.close(),
  );
  return { producer, stream, server };
}

async function open(server: TestServer, headers: Record<string, string> = {}, query = '') {
  const controller = new AbortController();
  const response = await fetch(server.url + query, { headers, signal: controller.signal });
  const reader = new SseReader(response.body!);
  cleanup.push(() => controller.abort());
  return { response, reader, abort: () => controller.abort() };
}

describe('createEventStream over Node http', () => {
  it('answers with an uncached, unbuffered event stream', async () => {
    const { server } = await setup();
    const { response } = await open(server);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toMatch(/^no-cache/);
    expect(response.headers.get('x-accel-buffering')).toBe('no');
  });

  it('gzips the stream for a client that accepts it, each event flushed at once', async () => {
    const { server, producer } = await setup();
    const raw = (headers: Record<string, string>) =>
      new Promise<IncomingMessage>((resolve, reject) => {
        const req = get(server.url, { headers }, resolve).on('error', reject);
        cleanup.push(() => req.destroy());
      });
    const zipped = await raw({ 'accept-encoding': 'gzip, deflate' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('Accept-Encoding');
    // Read through a gunzip: the snapshot, then a live event without any later write to push it out.
    const reader = new SseReader(Readable.toWeb(zipped.pipe(createGunzip())) as ReadableStream<Uint8Array>);
    expect((await reader.nextEvent()).event.type).toBe('snapshot');
    producer.upsertTrial(trial('t2', 's1'));
    expect((await reader.nextEvent(2000)).event).toMatchObject({ type: 'trial.upsert', seq: 4 });
    // Without gzip in Accept-Encoding, or with compression off, the stream goes as it is.
    expect((await raw({})).headers['content-encoding']).toBeUndefined();
    const plain = await setup({ compress: false });
    const res = await new Promise<IncomingMessage>((resolve) => {
      const req = get(plain.server.url, { headers: { 'accept-encoding': 'gzip' } }, resolve);
      cleanup.push(() => req.destroy());
    });
    expect(res.headers['content-encoding']).toBeUndefined();
  });

  it('sends a new client a snapshot, then live events, each with its seq as id', async () => {
    const { server, producer } = await setup();
    const { reader } = await open(server);
    const first = await reader.nextEvent();
    expect(first.event.type).toBe('snapshot');
    expect(first.id).toBe(3);
    expect((first.event.trials as unknown[]).length).toBe(1);
    producer.upsertTrial(trial('t2', 's1'));
    const next = await reader.nextEvent();
    expect(next).toMatchObject({ id: 4, event: { type: 'trial.upsert', seq: 4 } });
  });

  it('replays the events after Last-Event-ID without a snapshot', async () => {
    const { server, producer } = await setup();
    const first = await open(server);
    await first.reader.nextEvent(); // the snapshot proves the buffer covers what follows
    producer.append(batch('t1', 'loss', [2]));
    producer.append(batch('t1', 'loss', [3]));
    producer.append(batch('t1', 'loss', [4]));
    const { reader } = await open(server, { 'Last-Event-ID': '4' });
    expect((await reader.nextEvent()).id).toBe(5);
    expect((await reader.nextEvent()).id).toBe(6);
    producer.append(batch('t1', 'loss', [5]));
    expect((await reader.nextEvent()).id).toBe(7);
  });

  it('takes the resume position from the lastEventId query parameter too', async () => {
    const { server, producer } = await setup();
    await (await open(server)).reader.nextEvent();
    producer.append(batch('t1', 'loss', [2]));
    const { reader } = await open(server, {}, '?lastEventId=3');
    expect(await reader.nextEvent()).toMatchObject({ id: 4, event: { type: 'metrics.append' } });
  });

  it('sends a fresh snapshot when Last-Event-ID is older than the buffer', async () => {
    const { server, producer } = await setup({ replayBuffer: 2 });
    await (await open(server)).reader.nextEvent();
    for (let step = 2; step < 7; step++) producer.append(batch('t1', 'loss', [step]));
    const { reader } = await open(server, { 'Last-Event-ID': '4' });
    const first = await reader.nextEvent();
    expect(first.event.type).toBe('snapshot');
    expect(first.id).toBe(producer.seq);
  });

  it('keeps no more bytes for replay than asked: older events give way, and a resume falls back to a snapshot', async () => {
    const { server, producer } = await setup({ replayBufferBytes: 600 });
    await (await open(server)).reader.nextEvent();
    // Each event is about 150 bytes encoded: 600 bytes keep the last few, not all ten.
    for (let step = 2; step < 12; step++) producer.append(batch('t1', 'loss', [step]));
    const stale = await open(server, { 'Last-Event-ID': '4' });
    expect((await stale.reader.nextEvent()).event.type).toBe('snapshot');
    const recent = await open(server, { 'Last-Event-ID': String(producer.seq - 2) });
    expect((await recent.reader.nextEvent()).id).toBe(producer.seq - 1);
  });

  it('streams but does not keep an event larger than the whole replay budget', async () => {
    const { server, producer } = await setup({ replayBufferBytes: 100 });
    const live = await open(server);
    await live.reader.nextEvent();
    producer.append(
      batch(
        't1',
        'loss',
        Array.from({ length: 50 }, (_, i) => i + 2),
      ),
    );
    expect((await live.reader.nextEvent()).id).toBe(producer.seq);
    const resumed = await open(server, { 'Last-Event-ID': String(producer.seq - 1) });
    expect((await resumed.reader.nextEvent()).event.type).toBe('snapshot');
  });

  it('turns away clients past maxClients with 503 and Retry-After', async () => {
    const { server, stream } = await setup({ maxClients: 2 });
    await (await open(server)).reader.nextEvent();
    await (await open(server)).reader.nextEvent();
    const third = await fetch(server.url);
    expect(third.status).toBe(503);
    expect(third.headers.get('retry-after')).toBe('5');
    const fetched = stream.handleRequest(new Request(server.url));
    expect(fetched.status).toBe(503);
    expect(stream.clientCount).toBe(2);
  });

  it('sends a snapshot for an id it never issued (a client of an earlier server)', async () => {
    const { server } = await setup();
    await (await open(server)).reader.nextEvent();
    const { reader } = await open(server, { 'Last-Event-ID': '999' });
    expect((await reader.nextEvent()).event.type).toBe('snapshot');
  });

  it('sends a snapshot when the id is not a number', async () => {
    const { server } = await setup();
    const { reader } = await open(server, { 'Last-Event-ID': 'abc' });
    expect((await reader.nextEvent()).event.type).toBe('snapshot');
  });

  it('delivers events emitted while the snapshot is being taken exactly once, after it', async () => {
    const producer = seededProducer();
    let release!: () => void;
    producer.gate = new Promise((resolve) => {
      release = resolve;
    });
    const stream = createEventStream(producer);
    const server = await serve(stream);
    cleanup.push(
      () => server.stop(),
      () => stream.close(),
    );
    const { reader } = await open(server);
    await until(() => stream.clientCount === 1);
    producer.append(batch('t1', 'loss', [2]));
    producer.append(batch('t1', 'loss', [3]));
    release();
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await reader.nextEvent()).id);
    expect(ids).toEqual([3, 4, 5]);
  });

  it('writes NaN and infinities as strings', async () => {
    const { server, producer } = await setup();
    const { reader } = await open(server);
    await reader.nextEvent();
    producer.append(batch('t1', 'loss', [2, 3], [Number.NaN, Number.POSITIVE_INFINITY]));
    const { event } = await reader.nextEvent();
    expect((event.batches as { values: unknown[] }[])[0].values).toEqual(['NaN', 'Infinity']);
  });

  it('sends heartbeat comments', async () => {
    const { server } = await setup({ heartbeatMs: 20 });
    const { reader } = await open(server);
    await reader.nextEvent();
    const message = await reader.next();
    expect(message?.comment).toBe('heartbeat');
  });

  it('sends the retry field when asked to', async () => {
    const { server } = await setup({ retryMs: 1234 });
    const { reader } = await open(server);
    expect((await reader.next())?.retry).toBe('1234');
  });

  it('forgets a client that disconnects', async () => {
    const { server, stream } = await setup({ heartbeatMs: 10 });
    const { reader, abort } = await open(server);
    await reader.nextEvent();
    expect(stream.clientCount).toBe(1);
    abort();
    await until(() => stream.clientCount === 0, 5000, 'the client to be forgotten');
  });

  it('ends every client and leaves the producer on close', async () => {
    const { server, stream, producer } = await setup();
    const { reader } = await open(server);
    await reader.nextEvent();
    stream.close();
    expect(producer.listenerCount).toBe(0);
    expect(await reader.next()).toBeUndefined();
    expect(stream.clientCount).toBe(0);
  });

  it('refuses methods other than GET', async () => {
    const { server } = await setup();
    const response = await fetch(server.url, { method: 'POST', body: '{}' });
    expect(response.status).toBe(405);
  });

  it('adds the extra headers it is given', async () => {
    const { server } = await setup({ headers: { 'Access-Control-Allow-Origin': '*' } });
    const { response } = await open(server);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('serves many clients from one producer subscription', async () => {
    const { server, producer, stream } = await setup();
    const readers = await Promise.all([1, 2, 3].map(() => open(server)));
    for (const { reader } of readers) expect((await reader.nextEvent()).event.type).toBe('snapshot');
    producer.upsertTrial(trial('t2', 's1'));
    for (const { reader } of readers) expect((await reader.nextEvent()).id).toBe(4);
    expect(producer.listenerCount).toBe(1);
    expect(stream.clientCount).toBe(3);
  });

  it('serves a later client the last snapshot and the events since, until they are many', async () => {
    const producer = seededProducer();
    let taken = 0;
    const take = producer.snapshot.bind(producer);
    producer.snapshot = () => {
      taken++;
      return take();
    };
    const stream = createEventStream(producer);
    const server = await serve(stream);
    cleanup.push(
      () => server.stop(),
      () => stream.close(),
    );
    const first = await (await open(server, {}, '?v=2')).reader.nextEvent();
    expect(first.event.type).toBe('snapshot');
    producer.upsertTrial(trial('t2', 's1'));
    // A second tab: the same snapshot, then the event since from the buffer; no new snapshot taken.
    const { reader } = await open(server, {}, '?v=2');
    const second = await reader.nextEvent();
    expect(second).toMatchObject({ id: first.id, event: { type: 'snapshot' } });
    expect(await reader.nextEvent()).toMatchObject({ event: { type: 'trial.upsert', seq: first.id + 1 } });
    expect(taken).toBe(1);
    // Past a thousand events since, a new snapshot is taken: it holds them all.
    for (let i = 0; i < 1_001; i++) producer.append(batch('t1', 'loss', [10 + i]));
    const third = await (await open(server, {}, '?v=2')).reader.nextEvent();
    expect(third).toMatchObject({ id: first.id + 1_002, event: { type: 'snapshot' } });
    expect(taken).toBe(2);
  });

  it('does not send a new tab the errors raised before it came, but sends them to the tabs that saw them', async () => {
    const { server, producer } = await setup();
    const first = await open(server, {}, '?v=2');
    expect((await first.reader.nextEvent()).event.type).toBe('snapshot');
    producer.emit({ type: 'error', code: 'source_error', message: 'polling MLflow failed: ECONNREFUSED' });
    producer.upsertTrial(trial('t2', 's1'));
    const error = await first.reader.nextEvent();
    expect(error.event.type).toBe('error');
    // A later tab gets a snapshot taken after the error, without the old error.
    const later = await open(server, {}, '?v=2');
    const laterSnapshot = await later.reader.nextEvent();
    expect(laterSnapshot.event.type).toBe('snapshot');
    expect(laterSnapshot.id).toBeGreaterThan(error.id);
    // A tab resuming after a drop still hears of the error it missed.
    const resumed = await open(server, { 'last-event-id': '3' });
    expect((await resumed.reader.nextEvent()).event.type).toBe('error');
    // The later tab's snapshot came after the error (a kept one from before it is not handed out),
    // so the tab reopening its stream from there, as the dashboard does for its study, hears none.
    const again = await open(server, { 'last-event-id': String(laterSnapshot.id) }, '?v=2');
    producer.upsertTrial(trial('t3', 's1'));
    expect((await again.reader.nextEvent()).event).toMatchObject({ type: 'trial.upsert' });
  });

  it('takes the summaries snapshot as it is created, which the first tab gets without another', async () => {
    const counted = (warm?: boolean) => {
      const producer = seededProducer();
      const calls = { count: 0 };
      const take = producer.snapshot.bind(producer);
      producer.snapshot = () => {
        calls.count++;
        return take();
      };
      const stream = createEventStream(producer, warm === undefined ? {} : { warm });
      cleanup.push(() => stream.close());
      return { stream, calls };
    };
    const cold = counted(false);
    expect(cold.calls.count).toBe(0);
    const { stream, calls } = counted();
    expect(calls.count).toBe(1);
    const server = await serve(stream);
    cleanup.push(() => server.stop());
    expect((await (await open(server, {}, '?v=2')).reader.nextEvent()).event.type).toBe('snapshot');
    expect(calls.count).toBe(1);
  });

  it('ends a client when the snapshot fails', async () => {
    const producer = seededProducer();
    producer.snapshot = () => Promise.reject(new Error('storage down'));
    const stream = createEventStream(producer);
    const server = await serve(stream);
    cleanup.push(
      () => server.stop(),
      () => stream.close(),
    );
    const { reader } = await open(server);
    await reader.next(); // the preamble
    expect(await reader.next()).toBeUndefined();
    expect(stream.clientCount).toBe(0);
  });
});

describe('createEventStream over HTTP/2', () => {
  it('streams through the http2 compatibility API, without HTTP/1 connection headers', async () => {
    const producer = seededProducer();
    const stream = createEventStream(producer);
    const server = createHttp2Server((req, res) => stream(req as never, res as never));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const session = connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    cleanup.push(
      () => new Promise<void>((resolve) => server.close(() => resolve())),
      () => stream.close(),
      () => session.destroy(),
    );
    const request = session.request({ ':path': '/events' });
    const headers = await new Promise<Record<string, unknown>>((resolve) => request.on('response', resolve));
    expect(headers[':status']).toBe(200);
    expect(headers['content-type']).toBe('text/event-stream; charset=utf-8');
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      text += chunk;
    });
    await until(() => text.includes('"type":"snapshot"'));
    expect(text).toMatch(/id: 3\ndata: \{/);
    request.close();
  });
});

describe('createEventStream for fetch-based servers', () => {
  function fetchSetup(options: EventStreamOptions = {}) {
    const producer = seededProducer();
    const stream = createEventStream(producer, options);
    cleanup.push(() => stream.close());
    return { producer, stream };
  }

  it('streams a snapshot and live events as a Response', async () => {
    const { producer, stream } = fetchSetup();
    const response = stream.handleRequest(new Request('http://localhost/events'));
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    const reader = new SseReader(response.body!);
    expect((await reader.nextEvent()).event.type).toBe('snapshot');
    producer.upsertTrial(trial('t2', 's1'));
    expect((await reader.nextEvent()).id).toBe(4);
    await reader.cancel();
    expect(stream.clientCount).toBe(0);
  });

  it('resumes from the Last-Event-ID header', async () => {
    const { producer, stream } = fetchSetup();
    const first = new SseReader(stream.handleRequest(new Request('http://localhost/events')).body!);
    await first.nextEvent();
    producer.append(batch('t1', 'loss', [2]));
    const response = stream.handleRequest(
      new Request('http://localhost/events', { headers: { 'Last-Event-ID': '3' } }),
    );
    expect((await new SseReader(response.body!).nextEvent()).id).toBe(4);
  });

  it('forgets the client when the request is aborted', async () => {
    const { stream } = fetchSetup();
    const controller = new AbortController();
    const response = stream.handleRequest(
      new Request('http://localhost/events', { signal: controller.signal }),
    );
    await new SseReader(response.body!).nextEvent();
    expect(stream.clientCount).toBe(1);
    controller.abort();
    expect(stream.clientCount).toBe(0);
  });

  it('drops a client that does not read, instead of buffering without bound', async () => {
    const { producer, stream } = fetchSetup({ maxBufferedBytes: 4096 });
    stream.handleRequest(new Request('http://localhost/events'));
    await until(() => stream.clientCount === 1);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const steps = Array.from({ length: 200 }, (_, i) => i + 10);
    for (let i = 0; i < 5; i++) producer.append(batch('t1', 'loss', steps));
    expect(stream.clientCount).toBe(0);
  });

  it('refuses methods other than GET', () => {
    const { stream } = fetchSetup();
    expect(stream.handleRequest(new Request('http://localhost/events', { method: 'POST' })).status).toBe(405);
  });
});

describe('createEventStream for other transports', () => {
  it('ends at once a client that arrives after close', async () => {
    const stream = createEventStream(seededProducer());
    stream.close();
    const reasons: string[] = [];
    stream.attach({ send: () => {}, close: (reason) => reasons.push(reason) });
    expect(reasons).toEqual(['the event stream is closed']);
    const reader = new SseReader(stream.handleRequest(new Request('http://localhost/events')).body!);
    await reader.next(); // the preamble
    expect(await reader.next()).toBeUndefined();
    expect(stream.clientCount).toBe(0);
  });

  it('feeds any sink through attach', async () => {
    const producer = seededProducer();
    const stream: EventStream = createEventStream(producer);
    cleanup.push(() => stream.close());
    const got: number[] = [];
    const detach = stream.attach({ send: (_json, seq) => got.push(seq), close: () => {} });
    await until(() => got.length === 1);
    producer.upsertTrial(trial('t2', 's1'));
    expect(got).toEqual([3, 4]);
    detach();
    producer.upsertTrial(trial('t3', 's1'));
    expect(got).toEqual([3, 4]);
  });
});
