// A sync worker in its own process, for the SIGKILL and multi-process tests. It opens the store
// named in TRIALKIT_WORKER (JSON), works jobs until none is pending, and exits. It prints one JSON
// line per job it finished, so the parent can see who did what.
import { MlflowClient } from '../../src/mlflow/index.js';
import { createSyncEngine, type Storage } from '../../src/sync/index.js';
import { createPgliteStorage } from '../../src/sync/storage/pglite.js';
import { createPostgresStorage } from '../../src/sync/storage/postgres.js';

export interface WorkerConfig {
  store: { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; connectionString: string; schema: string };
  mlflowUri: string;
  leaseMs: number;
  concurrency?: number;
}

const config = JSON.parse(process.env.TRIALKIT_WORKER ?? '') as WorkerConfig;
const storage: Storage =
  config.store.kind === 'pglite'
    ? createPgliteStorage({ dataDir: config.store.dataDir })
    : createPostgresStorage(config.store);
await storage.ready();
const engine = createSyncEngine({
  storage,
  mlflow: new MlflowClient({
    trackingUri: config.mlflowUri,
    timeoutMs: 10_000,
    retry: { maxAttempts: 3, baseDelayMs: 50 },
  }),
  leaseMs: config.leaseMs,
  pollIntervalMs: 100,
  concurrency: config.concurrency ?? 2,
  retry: { baseDelayMs: 50, maxDelayMs: 500, maxAttempts: 20 },
});
const unsubscribe = engine.subscribe((event) => {
  if (event.type === 'sync.state' && event.state === 'synced')
    console.log(JSON.stringify({ synced: event.trialId, pid: process.pid }));
});
console.log(JSON.stringify({ ready: process.pid }));
await engine.drain();
unsubscribe();
await storage.close();
console.log(JSON.stringify({ done: process.pid }));
