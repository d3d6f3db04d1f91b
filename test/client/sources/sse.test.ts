import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventSource } from 'eventsource';
import { afterEach, describe, expect, it } from 'vitest';
import { connectSse, type EventSourceConstructor, TrialStore } from '../../../src/client/index.js';
import { resumeUrl } from '../../../src/client/sources/sse.js';
import { createEventStream } from '../../../src/server/index.js';
import { serve } from '../../server/helpers.js';
import { batch, study, TestProducer, trial, until } from '../fixtures.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** The eventsource package's EventSource, recording the URLs it opens. */
function recordingEventSource(urls: string[]): EventSourceConstructor {
  return class extends EventSource {
    constructor(url: string, init?: { withCredentials?: boolean }) {
      super(url, init);
      urls.push(url);
    }
  };
}

function seededProducer(): TestProducer {
  const producer = new TestProducer();
  producer.upsertStudy(study('s1'));
  producer.upsertTrial(trial('t1', 's1'));
  producer.append(batch('t1', 'loss', [0, 1, 2]));
  return producer;
}

async function setup(port = 0, producer = seededProducer()) {
  const stream = createEventStream(producer, { heartbeatMs: 1000 });
  const server = await serve(stream, port);
  cleanup.push(
    () => server.stop(),
    () => stream.close(),
  );
  // Changes are told at once, not a frame later: a test that watches the connection's states sees
  // `reconnecting` even when the reconnection opens within the frame.
  const store = new TrialStore({ schedule: queueMicrotask });
  const urls: string[] = [];
  const connect = () => {
    const source = connectSse(store, server.url, {
      EventSource: recordingEventSource(urls),
      backoff: { initialMs: 20, maxMs: 100 },
    });
    cleanup.push(() => source.close());
    return source;
  };
  return { producer, stream, server, store, urls, connect };
}

const steps = (store: TrialStore) => Array.from(store.getSeries('t1', 'loss')?.steps ?? []);

describe('connectSse', () => {
  it('loads the snapshot and follows live events', async () => {
    const { producer, store, connect } = await setup();
    connect();
    expect(store.connection.state).toBe('connecting');
    await until(() => store.loaded);
    expect(store.connection.state).toBe('open');
    expect(steps(store)).toEqual([0, 1, 2]);
    producer.append(batch('t1', 'loss', [3]));
    await until(() => steps(store).length === 4);
    expect(store.lastSeq).toBe(producer.seq);
  });

  it('reconnects after the connection drops and resumes after the last seq, losing and doubling nothing', async () => {
    const { producer, store, server, urls, connect } = await setup();
    connect();
    await until(() => store.loaded);
    const states: string[] = [];
    store.subscribe((change, s) => {
      if (change.connection) states.push(s.connection.state);
    });
    server.dropConnections();
    // Emitted while the client is away: the server's buffer keeps them for the resume.
    producer.append(batch('t1', 'loss', [3]));
    producer.append(batch('t1', 'loss', [4]));
    await until(() => steps(store).length === 5, 10_000, 'the missed points');
    producer.append(batch('t1', 'loss', [5]));
    await until(() => steps(store).length === 6);
    expect(steps(store)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(urls[0]).not.toMatch(/lastEventId/);
    expect(urls[1]).toMatch(/lastEventId=3$/);
    store.flush();
    expect(states).toContain('reconnecting');
    expect(store.connection.state).toBe('open');
  });

  it('starts over from a snapshot when the server restarted with a new producer', async () => {
    const first = await setup();
    first.connect();
    await until(() => first.store.loaded);
    for (let s = 3; s < 10; s++) first.producer.append(batch('t1', 'loss', [s]));
    await until(() => first.store.lastSeq === 10);
    const port = Number(new URL(first.server.url).port);
    await first.server.stop();
    first.stream.close();
    // A new server on the same port whose producer counts from scratch.
    const fresh = new TestProducer();
    fresh.upsertStudy(study('s2'));
    fresh.upsertTrial(trial('t9', 's2'));
    const stream = createEventStream(fresh);
    const server = await serve(stream, port);
    cleanup.push(
      () => server.stop(),
      () => stream.close(),
    );
    await until(() => first.store.getTrial('t9') !== undefined, 10_000, 'the new snapshot');
    expect(first.store.getTrial('t1')).toBeUndefined();
    expect(first.store.lastSeq).toBe(2);
    fresh.upsertTrial(trial('t10', 's2'));
    await until(() => first.store.getTrial('t10') !== undefined);
  });

  it('keeps retrying while the server is down', async () => {
    const { store, server, connect } = await setup();
    const port = Number(new URL(server.url).port);
    await server.stop();
    connect();
    await until(() => store.connection.state === 'reconnecting');
    const producer = seededProducer();
    const stream = createEventStream(producer);
    const again = await serve(stream, port);
    cleanup.push(
      () => again.stop(),
      () => stream.close(),
    );
    await until(() => store.loaded, 10_000, 'the snapshot after the server came back');
    expect(store.connection.state).toBe('open');
  });

  it('reports a malformed message and keeps reading', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write('id: 1\ndata: {"v":1,"seq":1,"type":"study.upsert","study":{"id":"s1"}}\n\n');
      res.write('data: not json at all\n\n');
      res.write(
        `id: 2\ndata: ${JSON.stringify({ v: 1, seq: 2, type: 'trial.upsert', trial: trial('t1', 's1') })}\n\n`,
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => {
      server.closeAllConnections();
      server.close();
    });
    const store = new TrialStore();
    const errors: string[] = [];
    store.subscribe((change) => errors.push(...change.errors.map((e) => `${e.code}: ${e.message}`)));
    const source = connectSse(store, `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, {
      EventSource,
    });
    cleanup.push(() => source.close());
    await until(() => store.getTrial('t1') !== undefined);
    store.flush();
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^malformed_event: malformed study\.upsert event at study\.name/);
    expect(errors[1]).toMatch(/not JSON/);
    expect(store.connection.state).toBe('open');
  });

  it('stops on close', async () => {
    const { producer, store, stream, connect } = await setup();
    const source = connect();
    await until(() => store.loaded);
    source.close();
    expect(store.connection.state).toBe('closed');
    await until(() => stream.clientCount === 0);
    producer.append(batch('t1', 'loss', [3]));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(steps(store)).toEqual([0, 1, 2]);
  });

  it('needs an EventSource where the platform has none', () => {
    expect(() => connectSse(new TrialStore(), 'http://127.0.0.1:1/')).toThrow(/EventSource/);
  });

  it('puts the resume position in the URL, keeping other parameters', () => {
    expect(resumeUrl('http://h/events?study=a', -1)).toBe('http://h/events?study=a');
    expect(resumeUrl('http://h/events?study=a', 7)).toBe('http://h/events?study=a&lastEventId=7');
    expect(resumeUrl('http://h/events?lastEventId=2', 7)).toBe('http://h/events?lastEventId=7');
  });
});
