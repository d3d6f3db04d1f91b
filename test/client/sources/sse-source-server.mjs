// A web-test-runner plugin for the browser SSE tests: a real `createEventStream` on its own loopback
// port (CORS open), fed by a scripted producer the page drives over plain HTTP:
//   POST /reset        fresh producer and stream (seq from 0)
//   POST /emit         body: one event without `v` and `seq`; answers {"seq": n}
//   POST /drop         cuts every open event stream, as a network hiccup would
//   GET  /events       the stream (also /events?lastEventId=n)
//   WS   /ws           the same stream over a WebSocket, speaking the resume protocol of
//                      src/client/sources/websocket.ts; /drop cuts these too
// Pages import its address from `/__trialkit/sse-env.js` (`export const sseUrl`).
import { createServer } from 'node:http';
import { tsImport } from 'tsx/esm/api';
import { WebSocketServer } from 'ws';

class ScriptedProducer {
  seq = 0;
  studies = new Map();
  trials = new Map();
  metrics = [];
  listeners = new Set();

  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async snapshot() {
    return {
      v: 1,
      seq: this.seq,
      type: 'snapshot',
      studies: [...this.studies.values()],
      trials: [...this.trials.values()],
      metrics: this.metrics,
      sync: [],
    };
  }

  emit(partial) {
    const event = { ...partial, v: 1, seq: ++this.seq };
    if (event.type === 'study.upsert') this.studies.set(event.study.id, event.study);
    if (event.type === 'trial.upsert') this.trials.set(event.trial.id, event.trial);
    if (event.type === 'metrics.append') this.metrics.push(...event.batches);
    for (const listener of this.listeners) listener(event);
    return event.seq;
  }
}

export function sseSourceServer() {
  let server;
  let url;
  let producer;
  let stream;
  let wss;
  const streams = new Set();

  return {
    name: 'trialkit-sse-source-server',
    async serverStart() {
      const { createEventStream } = await tsImport('../../../src/server/index.ts', import.meta.url);
      const reset = () => {
        stream?.close();
        producer = new ScriptedProducer();
        stream = createEventStream(producer, {
          retryMs: 200,
          headers: { 'Access-Control-Allow-Origin': '*' },
        });
      };
      reset();
      server = createServer(async (req, res) => {
        const path = new URL(req.url, 'http://x').pathname;
        if (path === '/events') {
          streams.add(res);
          res.on('close', () => streams.delete(res));
          return stream(req, res);
        }
        const body = await new Promise((resolve) => {
          let text = '';
          req.on('data', (chunk) => {
            text += chunk;
          });
          req.on('end', () => resolve(text));
        });
        let answer = {};
        if (path === '/reset') reset();
        else if (path === '/emit') answer = { seq: producer.emit(JSON.parse(body)) };
        else if (path === '/drop') {
          for (const res of streams) res.socket?.destroy();
          for (const socket of wss.clients) socket.terminate();
        }
        res.writeHead(200, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' });
        res.end(JSON.stringify(answer));
      });
      wss = new WebSocketServer({ server, path: '/ws' });
      wss.on('connection', (socket) => {
        socket.once('message', (data) => {
          const { resume } = JSON.parse(String(data));
          const sink = { send: (json) => socket.send(json), close: () => socket.close() };
          socket.on('close', stream.attach(sink, resume ?? undefined));
        });
      });
      await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${server.address().port}`;
    },
    async serverStop() {
      stream?.close();
      for (const socket of wss?.clients ?? []) socket.terminate();
      wss?.close();
      server?.closeAllConnections();
      await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
    },
    serve(context) {
      if (context.path === '/__trialkit/sse-env.js') {
        return { body: `export const sseUrl = ${JSON.stringify(url)};`, type: 'js' };
      }
    },
  };
}
