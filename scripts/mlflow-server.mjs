// Starts a real `mlflow server` for tests and benchmarks: a venv with a pinned mlflow (kept in a
// cache folder so a second run reuses it), a sqlite backend in a temp dir, a free loopback port.
// Artifacts go through the server's artifact proxy (`mlflow-artifacts:/` run URIs, stored in the
// temp dir), as a deployment serving browsers and remote clients would have it.
// Usage: node scripts/mlflow-server.mjs ensure | start
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The one place the MLflow version is pinned. */
export const MLFLOW_VERSION = '3.17.2';
/** The Python packages the venv holds, pinned: MLflow, and Optuna with its MLflow callback for the tests that log a search the way users do. */
const PYTHON_PACKAGES = {
  mlflow: MLFLOW_VERSION,
  optuna: '5.0.0',
  'optuna-integration': '5.0.0',
  // Optuna's fANOVA importance fits scikit-learn's random forest (the importance cross-check).
  'scikit-learn': '1.9.1',
};
/** Prints each package's installed version, one `name==version` a line, in PYTHON_PACKAGES's order. */
const PROBE = `import importlib.metadata as m
for name in ${JSON.stringify(Object.keys(PYTHON_PACKAGES))}: print(f"{name}=={m.version(name)}")`;
const PINNED = Object.entries(PYTHON_PACKAGES).map(([name, version]) => `${name}==${version}`);

const cacheRoot = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
export const venvDir = join(cacheRoot, 'trialkit', `mlflow-${MLFLOW_VERSION}`);
export const venvPython = join(venvDir, 'bin', 'python');
const mlflowBin = join(venvDir, 'bin', 'mlflow');

function run(cmd, args) {
  const result = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) {
    throw new Error(
      `mlflow setup failed: \`${cmd} ${args.join(' ')}\` exited with ${result.status ?? result.error}`,
    );
  }
}

/** Creates the venv with the pinned packages unless they are all there. Throws with the reason. */
export function ensureMlflow() {
  const probe = existsSync(venvPython)
    ? spawnSync(venvPython, ['-c', PROBE], { encoding: 'utf8' })
    : undefined;
  if (probe?.status === 0 && probe.stdout.trim() === PINNED.join('\n')) return;
  console.error(`[trialkit] installing ${PINNED.join(', ')} into ${venvDir} (once)…`);
  rmSync(venvDir, { recursive: true, force: true });
  mkdirSync(join(cacheRoot, 'trialkit'), { recursive: true });
  run('python3', ['-m', 'venv', venvDir]);
  run(join(venvDir, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', ...PINNED]);
}

/** Resolves with a port nobody listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `mlflow server` and resolves once `/health` answers.
 * @returns {Promise<{ uri: string, port: number, dir: string, stop: () => Promise<void> }>}
 */
export async function startMlflowServer({ timeoutMs = 120_000, extraArgs = [] } = {}) {
  ensureMlflow();
  const dir = mkdtempSync(join(tmpdir(), 'trialkit-mlflow-'));
  const port = await freePort();
  const args = [
    'server',
    '--backend-store-uri',
    `sqlite:///${join(dir, 'mlflow.db')}`,
    '--serve-artifacts',
    '--artifacts-destination',
    pathToFileURL(join(dir, 'artifacts')).href,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--workers',
    '1',
    ...extraArgs,
  ];
  // Its own process group, so stopping it also stops the uvicorn workers it forks.
  const child = spawn(mlflowBin, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MLFLOW_TRACKING_URI: '' },
    detached: true,
  });
  const killGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const killOnExit = () => killGroup('SIGKILL');
  process.once('exit', killOnExit);
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  child.once('exit', (code, signal) => {
    exited = signal ?? code;
  });

  const uri = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exited === null) {
      const done = new Promise((resolve) => child.once('exit', resolve));
      killGroup('SIGTERM');
      const timer = setTimeout(() => killGroup('SIGKILL'), 5000);
      await done;
      clearTimeout(timer);
    }
    killGroup('SIGKILL');
    process.off('exit', killOnExit);
    child.stdout.destroy();
    child.stderr.destroy();
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited !== null) {
      await stop();
      throw new Error(`mlflow server exited (${exited}) before it was healthy:\n${output}`);
    }
    try {
      const res = await fetch(`${uri}/health`);
      if (res.ok) return { uri, port, dir, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`mlflow server did not answer /health within ${timeoutMs} ms:\n${output}`);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const command = process.argv[2] ?? 'start';
  if (command === 'ensure') {
    ensureMlflow();
  } else if (command === 'start') {
    const server = await startMlflowServer();
    console.log(server.uri);
    const shutdown = () => server.stop().then(() => process.exit(0));
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  } else {
    console.error('usage: node scripts/mlflow-server.mjs ensure | start');
    process.exit(2);
  }
}
