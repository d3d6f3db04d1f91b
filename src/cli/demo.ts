/**
 * `trialkit demo` / `npm start`: PGlite in a data directory, a sync engine on it (syncing to MLflow
 * when a tracking URI is given), the simulated search writing to the engine, and the dashboard
 * server streaming the engine's events. Also accepts events posted by other producers.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { MlflowClient } from '../mlflow/index.js';
import { requireTokenOffLoopback } from '../server/app.js';
import {
  type AccessOptions,
  createDemo,
  createEventStream,
  createPresenceHandler,
  createSeriesWindowHandler,
  type EventStreamOptions,
  engineIngest,
  identityFromHeader,
  startDashboardServer,
} from '../server/index.js';
import { createSyncEngine, type SyncEngine } from '../sync/index.js';
import { createPgliteStorage } from '../sync/storage/pglite.js';
import { loadBrowserBundle } from './browser-bundle.js';

/** A started server: where it is, and how to stop it. */
export interface Running {
  readonly url: string;
  /** Stops everything it started, in order, leaving data consistent. */
  close(): Promise<void>;
}

export interface DemoServerOptions extends AccessOptions {
  /** PGlite's directory; created if missing. */
  dataDir: string;
  /** Sync trials to this MLflow server and link the dashboard to it; omitted, nothing talks to MLflow. */
  mlflowUri?: string;
  host: string;
  port: number;
  fallbackPort: boolean;
  /** Presence names each viewer by this request header (set by an authenticating proxy). */
  viewerHeader?: string;
  seed?: number;
  /** Receives progress lines. */
  log: (line: string) => void;
}

/** How long opening the store may take before the demo says why it waits. */
const SLOW_OPEN_MS = 5000;

/** Starts the demo and its server; resolves once the page can be opened. */
export async function runDemo(options: DemoServerOptions): Promise<Running> {
  const { log } = options;
  const started = performance.now();
  // The server would refuse this too, but only after the store was created and opened.
  requireTokenOffLoopback(options.host, options.token);
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  log(`starting PGlite in ${dataDir}…`);
  const storage = createPgliteStorage({ dataDir });
  // The first open after an upgrade may migrate a large store for a minute or more: say so.
  const slow = setTimeout(
    () =>
      log(
        'still opening the store (the first open after an upgrade computes its new summaries once: about 90 s for 100M points)…',
      ),
    SLOW_OPEN_MS,
  );
  try {
    await storage.ready();
  } catch (err) {
    // An install from npm has PGlite only if the user added it (it is an optional peer).
    if (
      (err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' &&
      /pglite/.test((err as Error).message)
    ) {
      throw new Error('the demo needs PGlite: npm install @electric-sql/pglite');
    }
    throw err;
  } finally {
    clearTimeout(slow);
  }

  // What to undo, newest first, if start-up fails halfway or when the server stops: producers
  // before consumers before the store, so nothing writes to a closed database.
  const undo: (() => unknown)[] = [() => storage.close()];
  const close = async () => {
    for (const step of undo.splice(0)) await step();
  };
  try {
    const mlflow = options.mlflowUri ? MlflowClient.fromEnv({ trackingUri: options.mlflowUri }) : undefined;
    const engine = createSyncEngine({
      storage,
      mlflow,
      enabled: mlflow !== undefined,
      autoSync: true,
      experimentName: (study) => `trialkit demo: ${study.name}`,
    });
    undo.unshift(() => engine.stop());
    if (mlflow) {
      log(`syncing trials to MLflow at ${mlflow.trackingUri}`);
      engine.start();
    }
    const existing = await retireEarlierRuns(engine);

    log('loading the dashboard bundle…');
    const bundle = await loadBrowserBundle();
    if (bundle.built) log('(bundled with esbuild: this checkout has no prebuilt dist/browser/trialkit.js)');

    const events = createEventStream(engine, presenceOptions(options.viewerHeader));
    undo.unshift(() => events.close());
    const demo = createDemo(engine, { seed: options.seed, existingStudyIds: existing });
    undo.unshift(() => demo.stop());
    const server = await startDashboardServer({
      page: {
        title: 'trialkit demo — live hyperparameter search',
        attributes: { src: '/events', 'mlflow-ui-url': options.mlflowUri, 'url-state': '' },
      },
      bundle: bundle.code,
      bundleChunks: bundle.chunks,
      bundlePreload: bundle.preload,
      events,
      series: createSeriesWindowHandler(engine),
      presence: events.presence && createPresenceHandler(events.presence),
      ingest: engineIngest(engine),
      health: () => ({ demo: true, studies: demo.studies.length }),
      ...accessOptions(options),
      host: options.host,
      port: options.port,
      fallbackPort: options.fallbackPort,
    });
    undo.splice(1, 0, () => server.close());
    demo.run();
    if (server.portChanged) log(`port ${options.port} is taken; using ${server.port} instead`);
    log(`serving on ${server.url} (ready in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
    if (options.readToken) log(`reading needs the read token: open ${server.url}/?token=<read token>`);
    return { url: server.url, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The event stream's presence options: names from a proxy's header when asked for. */
export function presenceOptions(viewerHeader: string | undefined): EventStreamOptions {
  return viewerHeader ? { presence: { identify: identityFromHeader(viewerHeader) } } : {};
}

/** The access rules among a command's options, for `startDashboardServer`. */
export function accessOptions(options: AccessOptions): AccessOptions {
  const { token, readToken, allowedHosts, allowedOrigins, frameAncestors } = options;
  return { token, readToken, allowedHosts, allowedOrigins, frameAncestors };
}

/**
 * A data directory the demo ran in before still holds that run's studies: mark the ones that were
 * running as paused and their unfinished trials as cancelled (their process is gone), and return
 * every study id so the new run numbers its studies after them.
 */
async function retireEarlierRuns(engine: SyncEngine): Promise<string[]> {
  const studies = await engine.listStudies();
  const now = Date.now();
  for (const study of studies) {
    if (study.status !== 'running') continue;
    for (const trial of await engine.listTrials(study.id)) {
      if (trial.status !== 'running' && trial.status !== 'pending') continue;
      const tags = { ...trial.tags, cancelled_by: 'demo restart' };
      await engine.upsertTrial({ ...trial, status: 'cancelled', endedAt: now, tags });
    }
    await engine.upsertStudy({ ...study, status: 'paused' });
  }
  return studies.map((s) => s.id);
}
