// Makes a real PostgreSQL server available for tests: Debian's `postgresql` package, its `main`
// cluster started, a `trialkit` role and database. Prints (or returns) the connection string.
// TRIALKIT_PG_URL, when set, names a server to use instead.
// Usage: node scripts/postgres.mjs ensure
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const ROLE = 'trialkit';
const PASSWORD = 'trialkit';
const DATABASE = 'trialkit_test';

function sh(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
}

function installedVersions() {
  const root = '/usr/lib/postgresql';
  return existsSync(root) ? readdirSync(root).filter((v) => existsSync(`${root}/${v}/bin/postgres`)) : [];
}

function asPostgres(sql) {
  return sh('su', ['postgres', '-c', `psql -v ON_ERROR_STOP=1 -qAtc "${sql.replaceAll('"', '\\"')}"`]);
}

/** Installs (if root and missing), starts, and prepares PostgreSQL; returns its connection string. */
export function ensurePostgres() {
  if (process.env.TRIALKIT_PG_URL) return process.env.TRIALKIT_PG_URL;
  if (installedVersions().length === 0) {
    if (process.getuid?.() !== 0) {
      throw new Error(
        'PostgreSQL is not installed: run `apt-get install -y postgresql` or set TRIALKIT_PG_URL',
      );
    }
    console.error('[trialkit] installing PostgreSQL (apt-get install postgresql)…');
    sh('apt-get', ['update', '-qq']);
    sh('apt-get', ['install', '-y', '-qq', 'postgresql'], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  }
  const version = installedVersions().sort((a, b) => Number(b) - Number(a))[0];
  const clusters = sh('pg_lsclusters', ['--no-header']).trim().split('\n').filter(Boolean);
  const main = clusters
    .map((line) => line.split(/\s+/))
    .find(([v, name]) => v === version && name === 'main');
  if (!main) sh('pg_createcluster', [version, 'main']);
  const port = main?.[2] ?? '5432';
  if (main?.[3] !== 'online') sh('pg_ctlcluster', [version, 'main', 'start']);
  const hasRole = asPostgres(`SELECT 1 FROM pg_roles WHERE rolname = '${ROLE}'`).trim() === '1';
  if (!hasRole) asPostgres(`CREATE ROLE ${ROLE} LOGIN SUPERUSER PASSWORD '${PASSWORD}'`);
  const hasDb = asPostgres(`SELECT 1 FROM pg_database WHERE datname = '${DATABASE}'`).trim() === '1';
  if (!hasDb) asPostgres(`CREATE DATABASE ${DATABASE} OWNER ${ROLE}`);
  return `postgres://${ROLE}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(ensurePostgres());
}
