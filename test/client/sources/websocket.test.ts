import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket as WsSocket } from 'ws';
import { connectWebSocket, TrialStore } from '../../../src/client/index.js';
import { createEventStream, type EventStream } from '../../../src/server/index.js';
import { batch, study, TestProducer, trial, until } from '../fixtures.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** A WebSocket server speaking the resume protocol, on top of an event stream; records the hellos. */
async function wsServer(stream: EventStream, port = 0) {
  const http: Server = createServer();
  const wss = new WebSocketServer({ server: http });
  const hellos: unknown[] = [];
  const sockets = new Set<WsSocket>();
  wss.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('message', (data) => {
      const { resume } = JSON.parse(String(data));
      hellos.push(resume);
      const sink = { send: (json: string) => socket.send(json), close: () => socket.close() };
      const detach = stream.attach(sink, resume ?? undefined);
      socket.on('close', detach);
    });
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  const stop = async () => {
    for (const socket of sockets) socket.terminate();
    wss.close();
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  };
  cleanup.push(stop);
  return {
    url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}/`,
    hellos,
    sockets,
    drop: () => {
      for (const socket of sockets) socket.terminate();
    },
    stop,
  };
}

function seededProducer(): TestProducer {
  const producer = new TestProducer();
  producer.upsertStudy(study('s1'));
  producer.upsertTrial(trial('t1', 's1'));
  producer.append(batch('t1', 'loss', [0, 1, 2]));
  return producer;
}

const steps = (store: TrialStore) => Array.from(store.getSeries('t1', 'loss')?.steps ?? []);

async function setup() {
  const producer = seededProducer();
  const stream = createEventStream(producer);
  cleanup.push(() => stream.close());
  const server = await wsServer(stream);
  const store = new TrialStore();
  const source = connectWebSocket(store, server.url, { backoff: { initialMs: 20, maxMs: 100 } });
  cleanup.push(() => source.close());
  return { producer, stream, server, store, source };
}

describe('connectWebSocket', () => {
  it('asks for a snapshot on its first connection and follows live events', async () => {
    const { producer, server, store } = await setup();
    expect(store.connection.state).toBe('connecting');
    await until(() => store.loaded);
    expect(server.hellos).toEqual([null]);
    expect(store.connection.state).toBe('open');
    expect(steps(store)).toEqual([0, 1, 2]);
    producer.append(batch('t1', 'loss', [3]));
    await until(() => steps(store).length === 4);
  });

  it('resumes after the last seq when the socket drops, losing and doubling nothing', async () => {
    const { producer, server, store } = await setup();
    await until(() => store.loaded);
    server.drop();
    await until(() => store.connection.state === 'reconnecting');
    producer.append(batch('t1', 'loss', [3]));
    producer.append(batch('t1', 'loss', [4]));
    await until(() => steps(store).length === 5, 10_000, 'the missed points');
    expect(server.hellos).toEqual([null, 3]);
    producer.append(batch('t1', 'loss', [5]));
    await until(() => steps(store).length === 6);
    expect(steps(store)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(store.connection.state).toBe('open');
  });

  it('keeps retrying while the server is down', async () => {
    const { server, store, stream } = await setup();
    await until(() => store.loaded);
    const port = Number(new URL(server.url).port);
    await server.stop();
    await until(() => store.connection.state === 'reconnecting');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const again = await wsServer(stream, port);
    await until(() => again.hellos.length === 1, 10_000, 'a reconnection');
    expect(again.hellos).toEqual([3]);
    await until(() => store.connection.state === 'open');
  });

  it('reports a malformed message and keeps the socket', async () => {
    const http = createServer();
    const wss = new WebSocketServer({ server: http });
    wss.on('connection', (socket) => {
      socket.once('message', () => {
        socket.send('{"v":1,"seq":1,"type":"nope"}');
        socket.send(Buffer.from('binary, not JSON'));
        socket.send(JSON.stringify({ v: 1, seq: 2, type: 'study.upsert', study: study('s1') }));
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      http.close();
    });
    const store = new TrialStore();
    const errors: string[] = [];
    store.subscribe((change) => errors.push(...change.errors.map((e) => e.code)));
    const source = connectWebSocket(store, `ws://127.0.0.1:${(http.address() as AddressInfo).port}/`);
    cleanup.push(() => source.close());
    await until(() => store.getStudy('s1') !== undefined);
    store.flush();
    expect(errors).toEqual(['malformed_event', 'malformed_event']);
    expect(store.connection.state).toBe('open');
  });

  it('closes the socket and stops on close', async () => {
    const { producer, server, store, source, stream } = await setup();
    await until(() => store.loaded);
    source.close();
    expect(store.connection.state).toBe('closed');
    await until(() => server.sockets.size === 0 && stream.clientCount === 0);
    producer.append(batch('t1', 'loss', [3]));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(steps(store)).toEqual([0, 1, 2]);
  });
});
