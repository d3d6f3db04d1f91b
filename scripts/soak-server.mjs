// The server side of the soak test, in its own process so that its memory is measured alone: the
// built package's dashboard server in front of a sync engine on memory storage, accepting posts.
// Prints `serving on <url>`; `/healthz` reports memory, the last event's seq and write latencies.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createEventStream, engineIngest, startDashboardServer } from '../dist/server/index.js';
import { createMemoryStorage, createSyncEngine } from '../dist/sync/index.js';

const engine = createSyncEngine({ storage: createMemoryStorage(), enabled: false });
// The memory storage is PGlite (WebAssembly PostgreSQL): load it before measuring anything.
await engine.listStudies();
const baselineRss = process.memoryUsage().rss;
let lastSeq = 0;
engine.subscribe((event) => {
  lastSeq = event.seq;
});
const events = createEventStream(engine, { maxClients: Number(process.env.SOAK_MAX_CLIENTS ?? 1000) });

/** Milliseconds from a POST's arrival to its answer: how long a write waited, body and all. */
const writeMs = [];
let peakRss = 0;
let peakHeap = 0;
const sample = setInterval(() => {
  const { rss, heapUsed } = process.memoryUsage();
  peakRss = Math.max(peakRss, rss);
  peakHeap = Math.max(peakHeap, heapUsed);
}, 250);
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

const server = await startDashboardServer({
  page: { title: 'soak', attributes: { src: '/events' } },
  bundle: '',
  events,
  ingest: engineIngest(engine),
  health: () => {
    const sorted = [...writeMs].sort((a, b) => a - b);
    return {
      lastSeq,
      clients: events.clientCount,
      baselineRssBytes: baselineRss,
      peakRssBytes: peakRss,
      peakHeapBytes: peakHeap,
      writes: sorted.length,
      writeMaxMs: sorted.at(-1) ?? 0,
      writeP99Ms: sorted[Math.floor(sorted.length * 0.99)] ?? 0,
      loopDelayMaxMs: loopDelay.max / 1e6,
    };
  },
});
server.server.on('request', (req, res) => {
  if (req.method !== 'POST') return;
  const start = performance.now();
  res.on('finish', () => writeMs.push(performance.now() - start));
});
console.log(`serving on ${server.url}`);

const stop = async () => {
  clearInterval(sample);
  events.close();
  await server.close();
  await engine.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
