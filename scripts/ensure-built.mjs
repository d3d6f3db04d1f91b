// Builds the package with tsup when dist/ is missing or older than its sources. Shared by
// `npm start` and the tests that run the built package (e2e, examples), so none of them runs a
// stale dist/ and none rebuilds a fresh one. A lock directory keeps two of them (test files run in
// parallel) from building at once: the second waits, then finds dist/ fresh.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './framework-types.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const cliPath = join(root, 'dist/cli/cli.js');
/** What the build reads; if any of it is newer than dist/, dist/ is stale. */
const inputs = ['src', 'types', 'package.json', 'tsup.config.ts', 'tsconfig.json'];
/** Outputs every build writes (the declarations only a full build); the oldest dates dist/. */
const jsOutputs = [cliPath, join(root, 'dist/define.js')];
const allOutputs = [
  ...jsOutputs,
  join(root, 'dist/server/index.d.ts'),
  join(root, 'dist/types/elements.d.ts'),
];
const lock = join(root, 'node_modules/.cache/trialkit-build.lock');
/** A build that takes longer than this is presumed dead and its lock broken. */
const LOCK_STALE_MS = 10 * 60_000;

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** Why dist/ needs a build, or undefined if it is up to date; `types: false` ignores declarations. */
export function staleReason({ types = true } = {}) {
  const outputs = types ? allOutputs : jsOutputs;
  if (outputs.some((p) => !existsSync(p)))
    return types && existsSync(cliPath) ? 'dist/ has no types' : 'dist/ is missing';
  const built = Math.min(...outputs.map((p) => statSync(p).mtimeMs));
  const changed = inputs.filter((p) => existsSync(join(root, p)) && newestMtime(join(root, p)) > built);
  return changed.length > 0 ? `${changed.join(', ')} changed since the last build` : undefined;
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Takes the build lock, waiting for another build to finish; returns the function that releases it. */
function acquire(log) {
  mkdirSync(dirname(lock), { recursive: true });
  let said = false;
  for (;;) {
    try {
      mkdirSync(lock);
      return () => rmSync(lock, { recursive: true, force: true });
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > LOCK_STALE_MS) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (!said) log('waiting for another build to finish…');
      said = true;
      sleep(500);
    }
  }
}

/**
 * Runs tsup if dist/ is stale. `types: false` builds the JavaScript only (`tsup --no-dts`: seconds
 * instead of a minute), which is all `npm start` runs; tests that pack or type-check want types.
 * `log` receives progress lines. Throws if the build fails; tsup's output went to stderr.
 */
export function ensureBuilt({ types = true, log = (line) => console.log(`[trialkit] ${line}`) } = {}) {
  if (!staleReason({ types })) return;
  const release = acquire(log);
  try {
    const reason = staleReason({ types });
    if (!reason) return;
    log(`building${types ? '' : ' (JavaScript only)'}: ${reason}…`);
    const started = Date.now();
    const build = spawnSync(join(root, 'node_modules/.bin/tsup'), types ? [] : ['--no-dts'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (build.status !== 0) {
      throw new Error(
        `the build failed (exit ${build.status ?? build.signal}); run \`npm run build\` to see why`,
      );
    }
    // The framework types and editor hints come from the manifest, after tsup (its declaration
    // step clears dist/'s .d.ts files), as `npm run build` makes them.
    if (types) generate({ analyze: true });
    log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    release();
  }
}
