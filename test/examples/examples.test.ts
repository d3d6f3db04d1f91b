// Installs trialkit as users do — from the tarball `npm pack` makes — into copies of the examples,
// then builds both with Vite and type-checks the React one. A broken `exports` map, a file missing
// from `files`, or a missing type fails here. The copies live in node_modules/.cache so their
// dependencies (vite, react) are installed once and reused.
import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureBuilt, root } from '../../scripts/ensure-built.mjs';
import { startServer } from '../cli/harness.js';

const exec = promisify(execFile);
const cache = join(root, 'node_modules/.cache/trialkit-examples');
// Children run on the Node that runs the tests (npm's own shebang would find the system one).
const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH}` };

/** Runs a command; on failure the error carries its output, which is what one needs to read. */
async function run(cwd: string, cmd: string, args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await exec(cmd, args, {
      cwd,
      env,
      maxBuffer: 64 * 1024 * 1024,
      timeout: 600_000,
    });
    return stdout + stderr;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${cmd} ${args.join(' ')} failed in ${cwd}:\n${e.stdout ?? ''}\n${e.stderr ?? e.message}`,
    );
  }
}

/** A fresh copy of `examples/<name>` (keeping the cached node_modules) depending on `tarball`. */
function prepare(name: string, tarball: string): string {
  const dir = join(cache, name);
  mkdirSync(dir, { recursive: true });
  for (const entry of readdirSync(dir))
    if (entry !== 'node_modules') rmSync(join(dir, entry), { recursive: true });
  const source = join(root, 'examples', name);
  for (const entry of readdirSync(source)) {
    if (entry !== 'node_modules' && entry !== 'dist')
      cpSync(join(source, entry), join(dir, entry), { recursive: true });
  }
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  manifest.dependencies.trialkit = `file:${tarball}`;
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  return dir;
}

async function install(dir: string): Promise<void> {
  await run(dir, 'npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error']);
}

/** The built page's JavaScript, all files together. */
function builtScripts(dir: string): string {
  const assets = join(dir, 'dist/assets');
  return readdirSync(assets)
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(join(assets, f), 'utf8'))
    .join('\n');
}

describe('the examples, installed from the packed tarball', () => {
  const packDir = mkdtempSync(join(tmpdir(), 'trialkit-pack-'));
  let tarball: string;

  beforeAll(async () => {
    ensureBuilt();
    const out = await run(root, 'npm', [
      'pack',
      '--json',
      '--ignore-scripts',
      '--pack-destination',
      packDir,
      '--loglevel=error',
    ]);
    const [{ filename }] = JSON.parse(out.slice(out.indexOf('[')));
    tarball = join(packDir, filename);
  }, 600_000);

  afterAll(() => rmSync(packDir, { recursive: true, force: true }));

  it('packs the browser bundle the dashboard servers load', async () => {
    // An install has no bundler: without the prebuilt file, `trialkit serve` and `demo` cannot start.
    const files = (await run(packDir, 'tar', ['-tzf', tarball])).split('\n');
    expect(files).toContain('package/dist/browser/trialkit.js');
    expect(files).toContain('package/dist/cli/cli.js');
  });

  it('vanilla-vite builds with Vite', async () => {
    const dir = prepare('vanilla-vite', tarball);
    await install(dir);
    await run(dir, 'npm', ['run', 'build']);
    expect(existsSync(join(dir, 'dist/index.html'))).toBe(true);
    expect(builtScripts(dir)).toContain('trial-dashboard');
  }, 600_000);

  it('react type-checks and builds with Vite', async () => {
    const dir = prepare('react', tarball);
    await install(dir);
    await run(dir, 'npm', ['run', 'typecheck']);
    await run(dir, 'npm', ['run', 'build']);
    const js = builtScripts(dir);
    expect(js).toContain('trial-dashboard');
    expect(js).toContain('trial-finished');
  }, 600_000);

  it('installs a trialkit bin that serves the dashboard page and its bundle', async () => {
    const dir = join(cache, 'vanilla-vite');
    const help = await run(dir, join(dir, 'node_modules/.bin/trialkit'), ['serve', '--help']);
    expect(help).toContain('--mlflow');
    // `serve` needs no optional peer (the demo needs PGlite).
    const cli = join(dir, 'node_modules/trialkit/dist/cli/cli.js');
    const server = await startServer([cli, 'serve', '--mlflow', inject('mlflowUri'), '--port', '0']);
    try {
      const page = await fetch(server.url);
      expect(await page.text()).toContain('<trial-dashboard src="/events"');
      const bundle = await fetch(`${server.url}/trialkit.js`);
      expect(bundle.status).toBe(200);
      expect(await bundle.text()).toContain('trial-dashboard');
    } finally {
      await server.stop();
    }
  }, 180_000);
});
