// Installs what the tests need on a fresh machine, once: Debian's chromium (for browser tests),
// a venv with the pinned mlflow, and a running PostgreSQL server. Idempotent and quick when done.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { CHROMIUM } from './chromium.mjs';
import { ensureMlflow } from './mlflow-server.mjs';
import { ensurePostgres } from './postgres.mjs';

export function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  if (process.getuid?.() !== 0)
    throw new Error(`${CHROMIUM} is missing: run \`apt-get install -y chromium\``);
  console.error('[trialkit] installing chromium (apt-get install chromium)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
}

/** Makes chromium, mlflow and PostgreSQL ready; returns the PostgreSQL connection string. */
export function setup() {
  ensureChromium();
  ensureMlflow();
  return ensurePostgres();
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(`[trialkit] test peers ready (PostgreSQL at ${setup()})`);
}
