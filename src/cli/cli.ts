#!/usr/bin/env node
/**
 * The `trialkit` command: `trialkit demo` (what `npm start` runs) and `trialkit serve` (a live
 * dashboard for an existing MLflow server). This module only reads flags, prints help and errors,
 * and handles signals; the servers themselves live in `demo.ts` and `serve.ts`.
 *
 * Exit codes: 0 after a clean shutdown, 1 when a server cannot start (e.g. MLflow unreachable),
 * 2 for a usage error. Failures print one line on stderr; `TRIALKIT_DEBUG=1` adds the stack.
 */
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { redactSecrets } from '../mlflow/index.js';
import type { Running } from './demo.js';

/** The port both commands try first; 5177 because Vite, Storybook and MLflow take the usual ones. */
const DEFAULT_PORT = 5177;

const MAIN_HELP = `trialkit — live dashboards for machine-learning trials

Usage:
  trialkit demo  [--data-dir DIR] [--mlflow URI] [--seed N] [--token T] [--port N] [--host H] [access options]
  trialkit serve [--mlflow URI] [--experiment NAME]... [--studies experiment|parent] [--interval MS] [--token T] [--port N] [--host H] [access options]
  trialkit <command> --help

Access options (--read-token, --allowed-hosts, --frame-ancestors, --viewer-header) say who may
read the dashboard, embed it and how viewers are named: \`trialkit <command> --help\` has them.

Commands:
  demo    Run a simulated hyperparameter search on an embedded store (PGlite) and serve its
          live dashboard. This is what \`npm start\` runs.
  serve   Serve a live dashboard of an existing MLflow tracking server: the server polls MLflow
          for new runs and metric points and streams them to every open page.

Options:
  -h, --help      Show help (also: trialkit <command> --help)
  -v, --version   Print the version
`;

const COMMON_HELP = `  --port N         Port to listen on. Default: $PORT, else ${DEFAULT_PORT}; if that one is
                   taken a free port is chosen and printed. An explicit --port must be free.
  --host H         Interface to listen on. Default 127.0.0.1 (this machine only); use 0.0.0.0
                   to share the dashboard on your network (with --allowed-hosts, and a token).
  --read-token T   Reading the dashboard needs this token: a browser opens /?token=T once (it
                   is kept in a cookie), other clients send Authorization: Bearer T.
                   Default: $TRIALKIT_READ_TOKEN; unset, anyone who reaches the port may read.
  --allowed-hosts H,…  Host names the server answers to besides localhost, 127.0.0.1 and [::1]
                   (and the --host address), e.g. dash.example.com,10.0.0.5. Other Host
                   headers get 403, against DNS rebinding. '*' allows any (behind a checking proxy).
  --frame-ancestors S,…  Who may embed the page in a frame (CSP frame-ancestors), e.g.
                   'self',https://notebooks.example.com. Default 'none'.
  --viewer-header H  Show each viewer (presence) by the name in this request header, e.g.
                   X-Forwarded-User, instead of the name the page gives. Only behind an
                   authenticating proxy that sets it and drops it from what clients send.
  -h, --help       Show this help.`;

const DEMO_HELP = `Usage: trialkit demo [--data-dir DIR] [--mlflow URI] [--seed N] [--token T] [--port N] [--host H] [access options]

Runs a simulated hyperparameter search — trials training, pruned and failing, new ones starting as
others end — through trialkit's sync engine on PGlite (embedded PostgreSQL), and serves a live
dashboard of it. The data directory survives restarts; Ctrl-C stops cleanly.

Options:
  --data-dir DIR   Where PGlite keeps its database. Default: .trialkit/demo-data in the current
                   directory.
  --mlflow URI     Also sync every trial to this MLflow tracking server, and link the dashboard
                   to its UI. Default: $MLFLOW_TRACKING_URI, if set.
  --seed N         Seed of the simulation. Default 1.
  --token T        POST /events (other producers' events) needs Authorization: Bearer T; the
                   token also opens reads. Default: $TRIALKIT_TOKEN. Required with a non-loopback
                   --host. Posts must be Content-Type: application/json, from no Origin or the
                   page's own (or one of --allowed-origins).
  --allowed-origins O,…  Web origins that may POST /events besides the page's own.
${COMMON_HELP}
`;

const SERVE_HELP = `Usage: trialkit serve [--mlflow URI] [--experiment NAME]... [--studies experiment|parent] [--interval MS] [--token T] [--port N] [--host H] [access options]

Serves a live dashboard of the runs on an existing MLflow tracking server. The server (not the
browser) polls MLflow, fetching only runs changed since the last poll and metric points after the
last step seen, and streams them to every open page over Server-Sent Events.

Options:
  --mlflow URI     The MLflow tracking server, e.g. http://127.0.0.1:5000. Default:
                   $MLFLOW_TRACKING_URI. Credentials come from MLFLOW_TRACKING_TOKEN, or
                   MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, as for MLflow's client.
  --experiment NAME  An experiment to watch; repeat for several. Default: every active
                   experiment, including ones created later (and deleted ones leave).
  --studies KIND   What a study is: \`parent\` (default) shows each parent run of nested runs
                   (one child run per trial, as MLflow's UI groups them) as a study of its
                   own, beside the experiment's other runs; \`experiment\` keeps one study per
                   experiment.
  --interval MS    Longest pause between polls, taken when no run is active. Default 2000; at
                   least 250. While runs are active MLflow is polled every 400 ms.
  --token T        Stars, tags and comments from the page (POST /events, written onto the runs)
                   need Authorization: Bearer T; the token also opens reads. Default:
                   $TRIALKIT_TOKEN. Without one, a server on a non-loopback --host is read-only.
${COMMON_HELP}
`;

/** A mistake in the command line: reported with a hint at `--help`, exit code 2. */
class UsageError extends Error {}

const common = {
  port: { type: 'string' },
  host: { type: 'string' },
  'read-token': { type: 'string' },
  'allowed-hosts': { type: 'string' },
  'frame-ancestors': { type: 'string' },
  'viewer-header': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** A comma-separated flag as a list; undefined when not given. */
function list(text: string | undefined): string[] | undefined {
  return text
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** The access flags both commands take; tokens fall back to the environment. */
function accessFlags(values: {
  'read-token'?: string;
  'allowed-hosts'?: string;
  'frame-ancestors'?: string;
  'viewer-header'?: string;
}) {
  return {
    readToken: values['read-token'] ?? (process.env.TRIALKIT_READ_TOKEN || undefined),
    allowedHosts: list(values['allowed-hosts']),
    frameAncestors: list(values['frame-ancestors']),
    viewerHeader: values['viewer-header'] || undefined,
  };
}

function parse<T extends ParseArgsOptionsConfig>(command: string, args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    // Node's messages carry a long hint about `--`; the first sentence is the useful part.
    const message = (err as Error).message.split('. ')[0].replace(/\.$/, '');
    // Lower case, as the other messages ("Unknown option" becomes "unknown option").
    throw new UsageError(`trialkit ${command}: ${message.charAt(0).toLowerCase()}${message.slice(1)}`);
  }
}

/** `what` names the source of `text` in the error: a flag (`--port`) or a variable (`$PORT`). */
function integer(command: string, what: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new UsageError(
      `trialkit ${command}: ${what} must be a whole number from ${min} to ${max}, not "${text}"`,
    );
  }
  return value;
}

/** The `--studies` flag: `parent` unless it says `experiment`. */
function studyGrouping(text: string | undefined): 'experiment' | 'parent' {
  if (text === undefined || text === 'parent' || text === 'experiment') return text ?? 'parent';
  throw new UsageError(`trialkit serve: --studies must be "experiment" or "parent", not "${text}"`);
}

function url(command: string, text: string): string {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new UsageError(
      `trialkit ${command}: --mlflow must be a URL such as http://127.0.0.1:5000, not "${text}"`,
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`trialkit ${command}: --mlflow must be an http:// or https:// URL, not "${text}"`);
  }
  return text.replace(/\/+$/, '');
}

/** Port and host: an explicit --port must be free; the default and $PORT fall back to a free one. */
function listenOptions(command: string, values: { port?: string; host?: string }) {
  const env = process.env.PORT || undefined;
  const port =
    values.port !== undefined
      ? integer(command, '--port', values.port, 0, 65535)
      : env !== undefined
        ? integer(command, '$PORT', env, 0, 65535)
        : DEFAULT_PORT;
  if (values.host === '') throw new UsageError(`trialkit ${command}: --host must not be empty`);
  return { port, host: values.host ?? '127.0.0.1', fallbackPort: values.port === undefined };
}

// Every line goes through redaction: URLs may carry credentials (http://user:pass@host).
const log = (line: string) => console.log(`[trialkit] ${redactSecrets(line)}`);

async function start(argv: string[]): Promise<Running | undefined> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    const topic = command === 'help' ? rest[0] : undefined;
    process.stdout.write(topic === 'demo' ? DEMO_HELP : topic === 'serve' ? SERVE_HELP : MAIN_HELP);
    return undefined;
  }
  if (command === '--version' || command === '-v') {
    const { version } = await import('../../package.json', { with: { type: 'json' } }).then((m) => m.default);
    console.log(version);
    return undefined;
  }
  if (command === 'demo') {
    const values = parse('demo', rest, {
      ...common,
      'data-dir': { type: 'string' },
      mlflow: { type: 'string' },
      seed: { type: 'string' },
      token: { type: 'string' },
      'allowed-origins': { type: 'string' },
    });
    if (values.help) return void process.stdout.write(DEMO_HELP);
    const mlflow = values.mlflow ?? (process.env.MLFLOW_TRACKING_URI || undefined);
    const { runDemo } = await import('./demo.js');
    return runDemo({
      ...listenOptions('demo', values),
      ...accessFlags(values),
      token: values.token ?? (process.env.TRIALKIT_TOKEN || undefined),
      allowedOrigins: list(values['allowed-origins']),
      dataDir: values['data-dir'] ?? '.trialkit/demo-data',
      mlflowUri: mlflow === undefined ? undefined : url('demo', mlflow),
      seed: values.seed === undefined ? 1 : integer('demo', '--seed', values.seed, 0, 2 ** 32 - 1),
      log,
    });
  }
  if (command === 'serve') {
    const values = parse('serve', rest, {
      ...common,
      mlflow: { type: 'string' },
      experiment: { type: 'string', multiple: true },
      interval: { type: 'string' },
      studies: { type: 'string' },
      token: { type: 'string' },
    });
    if (values.help) return void process.stdout.write(SERVE_HELP);
    const mlflow = values.mlflow ?? (process.env.MLFLOW_TRACKING_URI || undefined);
    if (mlflow === undefined) {
      throw new UsageError('trialkit serve: --mlflow is required (or set MLFLOW_TRACKING_URI)');
    }
    const { runServe } = await import('./serve.js');
    return runServe({
      ...listenOptions('serve', values),
      ...accessFlags(values),
      token: values.token ?? (process.env.TRIALKIT_TOKEN || undefined),
      mlflowUri: url('serve', mlflow),
      experiments: values.experiment ?? [],
      intervalMs:
        values.interval === undefined
          ? 2000
          : integer('serve', '--interval', values.interval, 250, 3_600_000),
      studies: studyGrouping(values.studies),
      log,
    });
  }
  throw new UsageError(`trialkit: unknown command "${command}"`);
}

/** Stops the server on the first Ctrl-C or SIGTERM; a second one exits at once. */
function stopOnSignal(running: Running): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    log(`${signal}: stopping…`);
    running.close().then(
      () => {
        log('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        console.error(`trialkit: could not stop cleanly: ${redactSecrets((err as Error).message)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

try {
  const running = await start(process.argv.slice(2));
  if (running) stopOnSignal(running);
} catch (err) {
  const usage = err instanceof UsageError;
  const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
  const message =
    redactSecrets((err as Error).message) +
    (inUse ? ' (another trialkit may be running there: stop it, or choose another --port)' : '');
  console.error(usage ? `${message} (see --help)` : `trialkit: ${message}`);
  if (process.env.TRIALKIT_DEBUG) console.error(err);
  process.exit(usage ? 2 : 1);
}
