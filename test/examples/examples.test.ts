// Installs trialkit as users do — from the tarball `npm pack` makes — into copies of the examples,
// then builds them with Vite and type-checks the React, Vue and Svelte ones against the generated
// types. A broken `exports` map, a file missing from `files`, or a missing type fails here. The copies live in node_modules/.cache so their
// dependencies (vite, react, vue, svelte) are installed once and reused. The built React example then
// runs in Chromium against a live demo server, to show trialkit/react forwards properties and events
// and its router keeps the dashboard's view in the URL.
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
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, extname, join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cliPath, ensureBuilt, root } from '../../scripts/ensure-built.mjs';
import { launchChromium, startServer } from '../cli/harness.js';

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

const contentTypes: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
};

/**
 * Serves a built app from `dist` and passes `/events` and `/series` to the trialkit server at
 * `upstream`, as a host app's server would. Resolves with its URL once it listens.
 */
async function serveApp(dist: string, upstream: string): Promise<{ url: string; server: Server }> {
  const target = new URL(upstream);
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://app').pathname;
    if (path === '/events' || path.startsWith('/series')) {
      const forwarded = request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forwarded.on('error', () => res.destroy());
      req.pipe(forwarded);
      return;
    }
    // Any other path is the app's page, as a single-page app's host serves it.
    const file = join(dist, path);
    const found = path !== '/' && existsSync(file) ? file : join(dist, 'index.html');
    res.writeHead(200, { 'content-type': contentTypes[extname(found)] ?? 'application/octet-stream' });
    res.end(readFileSync(found));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** The address bar's `name` parameter. */
const queryParam = (page: Page, name: string) => new URL(page.url()).searchParams.get(name);
/** The study the dashboard's header names. */
const shownStudy = (page: Page) => page.locator('trial-dashboard [part="header"] h2').textContent();
/** The run list's selected study id. */
const listedStudy = (page: Page) =>
  page.locator('trial-run-list [role="option"][aria-selected="true"]').getAttribute('data-id');

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
    // ... and the chunks it imports: the live connection and chart among them.
    expect(files.some((f) => /^package\/dist\/browser\/trialkit-live-[\w-]+\.js$/.test(f))).toBe(true);
    expect(files).toContain('package/dist/cli/cli.js');
  });

  it('vanilla-vite builds with Vite', async () => {
    const dir = prepare('vanilla-vite', tarball);
    await install(dir);
    await run(dir, 'npm', ['run', 'build']);
    expect(existsSync(join(dir, 'dist/index.html'))).toBe(true);
    expect(builtScripts(dir)).toContain('trial-dashboard');
  }, 600_000);

  let reactBuilt: Promise<string> | undefined;
  /** The React example, installed, type-checked and built once (whichever test asks first). */
  const buildReact = () => {
    reactBuilt ??= (async () => {
      const dir = prepare('react', tarball);
      await install(dir);
      await run(dir, 'npm', ['run', 'typecheck']);
      await run(dir, 'npm', ['run', 'build']);
      return dir;
    })();
    return reactBuilt;
  };

  it('react type-checks and builds with Vite', async () => {
    const dir = await buildReact();
    const js = builtScripts(dir);
    expect(js).toContain('trial-dashboard');
    expect(js).toContain('trial-finished');
  }, 600_000);

  it("react's TrialDashboard (trialkit/react) forwards properties and events in Chromium", async () => {
    const dir = await buildReact();
    const dataDir = mkdtempSync(join(tmpdir(), 'trialkit-react-wrapper-'));
    const demo = await startServer([cliPath, 'demo', '--data-dir', dataDir, '--port', '0']);
    const app = await serveApp(join(dir, 'dist'), demo.url);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(app.url);
      await page.locator('trial-table [role="row"][data-id]').first().waitFor({ timeout: 90_000 });
      // Objects arrive as properties, as they are; nothing is stringified into an attribute.
      const set = await page.evaluate(() => {
        const el = document.querySelector('trial-dashboard')!;
        return {
          highlightFlag: el.highlightFlag,
          rule: el.alertRules[0]?.metric,
          storeIsObject: typeof el.store === 'object' && el.store !== null,
          stringified: el.getAttributeNames().filter((name) => el.getAttribute(name)?.includes('[object')),
        };
      });
      expect(set).toEqual({
        highlightFlag: 'spectral_norm',
        rule: 'val_loss',
        storeIsObject: true,
        stringified: [],
      });
      // A `trial-finished` on the element reaches its React callback (`onTrialFinished`), which says
      // so. Every text the news takes is kept: the demo's own trials finish too, and may say so next.
      await page.evaluate(() => {
        const news = document.querySelector('p[aria-live="polite"]')!;
        const said: string[] = [];
        (window as unknown as { said: string[] }).said = said;
        new MutationObserver(() => said.push(news.textContent ?? '')).observe(news, {
          childList: true,
          characterData: true,
          subtree: true,
        });
      });
      // Sent again at each look: React renders state set in two tasks once, with the later value,
      // and a demo trial finishing right after ours would hide it.
      await expect
        .poll(
          () =>
            page.evaluate(() => {
              const el = document.querySelector('trial-dashboard')!;
              const finished = new Event('trial-finished', { bubbles: true, composed: true });
              Object.assign(finished, {
                trial: { number: 4242, status: 'succeeded' },
                previousStatus: 'running',
              });
              el.dispatchEvent(finished);
              return (window as unknown as { said: string[] }).said;
            }),
          { timeout: 10_000 },
        )
        .toContain('trial #4242 succeeded (was running)');
    } finally {
      await browser.close();
      app.server.close();
      await demo.stop('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 600_000);

  it("react's router round-trips the dashboard's view through the URL in Chromium", async () => {
    const dir = await buildReact();
    const dataDir = mkdtempSync(join(tmpdir(), 'trialkit-react-router-'));
    const demo = await startServer([cliPath, 'demo', '--data-dir', dataDir, '--port', '0']);
    const app = await serveApp(join(dir, 'dist'), demo.url);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(app.url);
      const second = page.locator('trial-run-list [role="option"][aria-posinset="2"]');
      await second.waitFor({ timeout: 90_000 });
      const first = await listedStudy(page);
      const firstName = await shownStudy(page);
      const studyId = (await second.getAttribute('data-id'))!;
      expect(studyId).not.toBe(first);

      await second.click();
      await page.waitForURL((url) => url.searchParams.get('study') === studyId);
      const studyName = await shownStudy(page);
      expect(studyName).not.toBe(firstName);

      const row = page.locator('trial-table [role="row"][data-id]').first();
      await row.waitFor({ timeout: 60_000 });
      const trialId = (await row.getAttribute('data-id'))!;
      await row.click();
      await page.waitForURL((url) => url.searchParams.get('sel') === trialId);

      await page.reload();
      await page.locator('trial-table [role="row"][aria-selected="true"]').waitFor({ timeout: 60_000 });
      expect(queryParam(page, 'study')).toBe(studyId);
      expect(await shownStudy(page)).toBe(studyName);
      expect(await listedStudy(page)).toBe(studyId);
      expect(
        await page.locator('trial-table [role="row"][aria-selected="true"]').getAttribute('data-id'),
      ).toBe(trialId);

      await page.goBack();
      await expect.poll(() => shownStudy(page)).toBe(firstName);
      expect(await listedStudy(page)).toBe(first);
      expect(queryParam(page, 'study')).not.toBe(studyId);

      await page.goForward();
      await expect.poll(() => shownStudy(page)).toBe(studyName);
      expect(queryParam(page, 'study')).toBe(studyId);
      expect(queryParam(page, 'sel')).toBe(trialId);
    } finally {
      await browser.close();
      app.server.close();
      await demo.stop('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 600_000);

  for (const framework of ['vue', 'svelte']) {
    it(`${framework} type-checks against the generated types and builds with Vite`, async () => {
      const dir = prepare(framework, tarball);
      await install(dir);
      // The example's TypeTests file expects errors on wrong props and events: a type that stops
      // catching them (or an untyped tag) fails this check.
      await run(dir, 'npm', ['run', 'typecheck']);
      await run(dir, 'npm', ['run', 'build']);
      const js = builtScripts(dir);
      expect(js).toContain('trial-dashboard');
      expect(js).toContain('trial-finished');
    }, 600_000);
  }

  it("Solid's and Preact's JSX type-check against the generated types", async () => {
    const dir = prepare('jsx-types', tarball);
    await install(dir);
    // Like the Vue and Svelte ones, its type tests expect errors on wrong props and events.
    await run(dir, 'npm', ['run', 'typecheck']);
  }, 600_000);

  it('packs the framework types and editor hints package.json points to', async () => {
    const files = (await run(packDir, 'tar', ['-tzf', tarball])).split('\n');
    for (const file of [
      'dist/react/index.js',
      'dist/types/elements.d.ts',
      'dist/types/react.d.ts',
      'dist/types/vue.d.ts',
      'dist/types/svelte.d.ts',
      'dist/types/solid.d.ts',
      'dist/types/preact.d.ts',
      'dist/editor/vscode.html-custom-data.json',
      'dist/editor/vscode.css-custom-data.json',
      'dist/editor/web-types.json',
    ])
      expect(files).toContain(`package/${file}`);
    const elements = readFileSync(join(root, 'dist/types/elements.d.ts'), 'utf8');
    expect(elements).toContain('"trial-finished": TrialFinishedEvent;');
    const html = JSON.parse(readFileSync(join(root, 'dist/editor/vscode.html-custom-data.json'), 'utf8'));
    expect(html.tags.map((t: { name: string }) => t.name).sort()).toEqual([
      'trial-comments',
      'trial-dashboard',
      'trial-history',
      'trial-metrics-chart',
      'trial-parallel-coords',
      'trial-param-importance',
      'trial-run-list',
      'trial-slice-plot',
      'trial-table',
    ]);
  });

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

  it("vanilla-vite's dev server proxies presence and edits with the page's Host, so the trialkit server takes them", async () => {
    const dir = join(cache, 'vanilla-vite');
    const cli = join(dir, 'node_modules/trialkit/dist/cli/cli.js');
    const server = await startServer([cli, 'serve', '--mlflow', inject('mlflowUri'), '--port', '0']);
    const vite = await import(join(dir, 'node_modules/vite/dist/node/index.js'));
    const before = process.env.TRIALKIT_URL;
    process.env.TRIALKIT_URL = server.url;
    const dev = await vite.createServer({
      root: dir,
      logLevel: 'silent',
      server: { port: 0, host: '127.0.0.1' },
    });
    try {
      await dev.listen();
      const page = `http://127.0.0.1:${(dev.httpServer!.address() as AddressInfo).port}`;
      const post = (url: string) =>
        fetch(`${url}/presence`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: page },
          body: JSON.stringify({ viewer: 'vite-tab-1', study: 'none' }),
        });
      // Past the origin check: the server only answers that no stream of this tab is open.
      const proxied = await post(page);
      expect(await proxied.json()).toMatchObject({ error: { code: 'unknown_viewer' } });
      expect(proxied.status).toBe(409);
      // Sent straight to the server, the same page's origin is another site's and is refused.
      expect((await post(server.url)).status).toBe(403);
    } finally {
      await dev.close();
      if (before === undefined) delete process.env.TRIALKIT_URL;
      else process.env.TRIALKIT_URL = before;
      await server.stop();
    }
  }, 180_000);
});
