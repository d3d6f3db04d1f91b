/**
 * `trialkit serve`: a live dashboard of an existing MLflow server. One `MlflowPoller` follows every
 * watched experiment, and its events stream straight to every page over SSE.
 *
 * Why the server polls rather than the page: one poller serves any number of open tabs; MLflow
 * need not be reachable from the browser nor accept its origin (MLflow 3 refuses unknown Host
 * headers and cross-origin requests); credentials (MLFLOW_TRACKING_TOKEN, …) stay on the server;
 * and the page is the demo's page, `<trial-dashboard src="/events">`, with SSE's resume.
 */
import { MlflowPoller, type StudyGrouping } from '../client/index.js';
import { MlflowApiError, MlflowClient, MlflowNetworkError, MlflowTimeoutError } from '../mlflow/index.js';
import {
  type AccessOptions,
  createEventStream,
  createPresenceHandler,
  createSeriesWindowHandler,
  createWindowCache,
  isLoopbackHost,
  mlflowIngest,
  startDashboardServer,
} from '../server/index.js';
import { loadBrowserBundle } from './browser-bundle.js';
import { accessOptions, presenceOptions, type Running } from './demo.js';

export interface ServeOptions extends AccessOptions {
  mlflowUri: string;
  /** Experiments to watch; empty: every active experiment, including ones created later. */
  experiments: string[];
  intervalMs: number;
  /** What a study is: each parent run of nested runs as well as the experiment, or the experiment only. */
  studies: StudyGrouping;
  host: string;
  port: number;
  fallbackPort: boolean;
  /** Presence names each viewer by this request header (set by an authenticating proxy). */
  viewerHeader?: string;
  log: (line: string) => void;
}

/** Checks that MLflow answers and the experiments exist, then serves; rejects with a one-line reason. */
export async function runServe(options: ServeOptions): Promise<Running> {
  const { log } = options;
  const started = performance.now();
  const client = MlflowClient.fromEnv({ trackingUri: options.mlflowUri, timeoutMs: 10_000 });
  // Without the user info a tracking URI may carry: it is shown on the page and in every line.
  const mlflowUri = client.trackingUri;
  log(`connecting to MLflow at ${mlflowUri}…`);
  const names = await experimentNames(client, options.experiments);
  log(
    names.length
      ? `watching ${names.map((n) => JSON.stringify(n)).join(', ')}`
      : 'no experiments yet; watching for new ones',
  );

  const poller = new MlflowPoller({
    client,
    experiments: names.map((name) => ({ name })),
    intervalMs: options.intervalMs,
    studies: options.studies,
  });
  // One line when an experiment's polls start failing (or fail another way), one when they work again.
  let failing = new Map<string, string>();
  poller.onPoll((failures) => {
    const now = new Map(failures.map(({ experiment, error }) => [experiment, reason(error)]));
    for (const [experiment, why] of now) if (failing.get(experiment) !== why) log(`${experiment}: ${why}`);
    for (const experiment of failing.keys())
      if (!now.has(experiment)) log(`${experiment}: MLflow answers again`);
    failing = now;
  });
  const watch = (name: string): boolean => poller.follow({ name });
  // Without --experiment, experiments created after start-up join the dashboard too, and deleted
  // ones leave it.
  const discovery =
    options.experiments.length === 0
      ? setInterval(
          () => {
            experimentNames(client, []).then(
              (all) => {
                const active = new Set(all);
                for (const name of poller.experiments)
                  if (!active.has(name) && poller.unfollow({ name }))
                    log(`${JSON.stringify(name)} is gone from MLflow; no longer watched`);
                // A new experiment is read at once, not a poll interval later.
                if (all.filter(watch).length > 0) void poller.poll();
              },
              () => {}, // the poller reports MLflow being down; one line per poll would be noise
            );
          },
          Math.max(10_000, options.intervalMs * 5),
        )
      : undefined;

  const bundle = await loadBrowserBundle();
  // Windows and summary snapshots come from a bounded cache of what the poller has read.
  const cache = createWindowCache(poller);
  const events = createEventStream(cache, presenceOptions(options.viewerHeader));
  const server = await startDashboardServer({
    page: {
      title: `trialkit — ${mlflowUri}`,
      attributes: { src: '/events', 'mlflow-ui-url': mlflowUri, 'url-state': '' },
    },
    bundle: bundle.code,
    bundleChunks: bundle.chunks,
    bundlePreload: bundle.preload,
    events,
    series: createSeriesWindowHandler(cache),
    presence: events.presence && createPresenceHandler(events.presence),
    // Stars, tags and comments go onto the runs; a server open to the network takes them with a token only.
    ingest:
      options.token || isLoopbackHost(options.host)
        ? mlflowIngest(client, () => void poller.poll())
        : undefined,
    health: () => ({
      mlflow: mlflowUri,
      experiments: poller.experiments,
      // Still 200: the dashboard serves what it has; `ok` says whether MLflow is being read.
      ...(failing.size > 0 && { ok: false, failing: Object.fromEntries(failing) }),
    }),
    ...accessOptions(options),
    host: options.host,
    port: options.port,
    fallbackPort: options.fallbackPort,
  });
  if (server.portChanged) log(`port ${options.port} is taken; using ${server.port} instead`);
  log(`serving on ${server.url} (ready in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  if (options.readToken) log(`reading needs the read token: open ${server.url}/?token=<read token>`);

  return {
    url: server.url,
    async close() {
      clearInterval(discovery);
      poller.close();
      cache.close();
      events.close();
      await server.close();
    },
  };
}

/** The named experiments (each must exist), or every active one; throws one clear line otherwise. */
async function experimentNames(client: MlflowClient, wanted: string[]): Promise<string[]> {
  const once = { retry: false as const, timeoutMs: 10_000 };
  try {
    if (wanted.length === 0) {
      const names: string[] = [];
      for await (const experiment of client.iterateExperiments({ viewType: 'ACTIVE_ONLY' }, once))
        names.push(experiment.name);
      return names;
    }
    for (const name of wanted) {
      const experiment = await client.getExperimentByName(name, once);
      if (!experiment || experiment.lifecycleStage === 'deleted') {
        const why = experiment ? 'only a deleted experiment' : 'no experiment';
        throw new Error(`MLflow at ${client.trackingUri} has ${why} named ${JSON.stringify(name)}`);
      }
    }
    return wanted;
  } catch (err) {
    if ((err as Error).message.startsWith('MLflow at')) throw err;
    // A server answered, but has no MLflow API there (another service, or a path prefix missing).
    if (err instanceof MlflowApiError && err.errorCode === 'ENDPOINT_NOT_FOUND')
      throw new Error(
        `${client.trackingUri} answered 404 to MLflow's REST API: is it an MLflow tracking server (and the whole URL, with any path prefix)?`,
      );
    throw new Error(`cannot reach MLflow at ${client.trackingUri}: ${reason(err)}`);
  }
}

/** Why a request failed, in a few words: the socket error's code (ECONNREFUSED, ENOTFOUND…) if there is one. */
function reason(err: unknown): string {
  if (err instanceof MlflowTimeoutError) return err.message.replace(/^\S+ \S+: /, '');
  if (err instanceof MlflowNetworkError) {
    const cause = (err.cause as { cause?: { code?: string; message?: string } } | undefined)?.cause;
    return cause?.code ?? cause?.message ?? 'no response';
  }
  return (err as Error).message;
}
