// The `trialkit` bin as a user meets it: help that names every flag, and one clear line (no stack
// trace) with exit code 2 for a usage mistake or 1 for an MLflow server that does not answer.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { cliPath, ensureBuilt } from '../../scripts/ensure-built.mjs';
import { freePort } from '../../scripts/mlflow-server.mjs';

function trialkit(...args: string[]) {
  const env = { ...process.env, MLFLOW_TRACKING_URI: '', PORT: '' };
  const result = spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', env, timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the trialkit command', () => {
  beforeAll(() => ensureBuilt());

  it('starts with a shebang so npx can run it', async () => {
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(cliPath, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('explains both commands in --help', () => {
    const { code, stdout } = trialkit('--help');
    expect(code).toBe(0);
    expect(stdout).toContain('trialkit demo');
    expect(stdout).toContain('trialkit serve');
  });

  it('explains every flag of serve and demo', () => {
    const serve = trialkit('serve', '--help');
    expect(serve.code).toBe(0);
    for (const flag of [
      '--mlflow',
      '--experiment',
      '--port',
      '--host',
      '--interval',
      '--read-token',
      '--allowed-hosts',
      '--frame-ancestors',
      '--viewer-header',
      '--help',
    ]) {
      expect(serve.stdout).toContain(flag);
    }
    const demo = trialkit('demo', '--help');
    for (const flag of [
      '--data-dir',
      '--mlflow',
      '--seed',
      '--port',
      '--host',
      '--token',
      '--allowed-origins',
    ])
      expect(demo.stdout).toContain(flag);
  });

  it('never prints the credentials of a tracking URI', async () => {
    const port = await freePort();
    const unreachable = trialkit('serve', '--mlflow', `http://alice:hunter2@127.0.0.1:${port}`);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain(`cannot reach MLflow at http://127.0.0.1:${port}`);
    const wrongScheme = trialkit('serve', '--mlflow', 'ftp://alice:hunter2@example.test');
    expect(wrongScheme.code).toBe(2);
    expect(wrongScheme.stderr).toContain('ftp://***@example.test');
    for (const run of [unreachable, wrongScheme]) expect(run.stdout + run.stderr).not.toContain('hunter2');
  });

  it('rejects an unknown flag with one line and exit code 2', () => {
    const { code, stderr } = trialkit('serve', '--mlfow', 'http://127.0.0.1:5000');
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain("'--mlfow'");
  });

  it('rejects a bad port and a missing --mlflow with one line and exit code 2', () => {
    const port = trialkit('serve', '--mlflow', 'http://127.0.0.1:5000', '--port', 'eighty');
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/^trialkit serve: --port must be a whole number .*\n$/);
    const missing = trialkit('serve');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--mlflow is required');
  });

  it('rejects an unknown command with exit code 2', () => {
    const { code, stderr } = trialkit('sevre');
    expect(code).toBe(2);
    expect(stderr).toContain('unknown command "sevre"');
  });

  it('reports an unreachable MLflow server in one line with exit code 1', async () => {
    const uri = `http://127.0.0.1:${await freePort()}`;
    const { code, stderr } = trialkit('serve', '--mlflow', uri, '--port', '0');
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(`cannot reach MLflow at ${uri}`);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('says a server that has no MLflow API is not MLflow, rather than unreachable', () => {
    const uri = `${inject('mlflowUri')}/not-mlflow`;
    const { code, stderr } = trialkit('serve', '--mlflow', uri, '--port', '0');
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(`${uri} answered 404 to MLflow's REST API: is it an MLflow tracking server`);
  });

  it('says what to do when the port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = String((taken.address() as { port: number }).port);
      const { code, stderr } = trialkit('serve', '--mlflow', inject('mlflowUri'), '--port', port);
      expect(code).toBe(1);
      expect(stderr).toContain('EADDRINUSE');
      expect(stderr).toContain('choose another --port');
    } finally {
      taken.close();
    }
  });

  it('refuses a network-facing demo without a token before creating its store', () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'trialkit-cli-')), 'demo-data');
    const { code, stderr } = trialkit('demo', '--host', '0.0.0.0', '--port', '0', '--data-dir', dataDir);
    expect(code).toBe(1);
    expect(stderr).toContain('set a token (--token or TRIALKIT_TOKEN)');
    expect(existsSync(dataDir)).toBe(false);
  });
});
