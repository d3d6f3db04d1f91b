/**
 * What the table benchmark and the screenshot script share: bundle a page module with esbuild,
 * serve it on 127.0.0.1, and drive Debian's Chromium with playwright-core.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../scripts/chromium.mjs';

export const root = fileURLToPath(new URL('../..', import.meta.url));

/** Bundles `entry` (a path from the repository root) into one minified ES module. */
export async function bundle(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [`${root}${entry}`],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    write: false,
    tsconfig: `${root}tsconfig.json`,
    logLevel: 'warning',
  });
  return result.outputFiles[0].text;
}

/** Serves a page running `script` on a free 127.0.0.1 port. */
export async function serve(script: string): Promise<{ server: Server; url: string }> {
  const page =
    '<!doctype html><meta charset="utf-8"><title>trialkit</title><body style="margin:0"><script type="module" src="/page.js"></script>';
  const server = createServer((req, res) => {
    const js = req.url === '/page.js';
    res.writeHead(200, { 'content-type': js ? 'text/javascript' : 'text/html' });
    res.end(js ? script : page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

/** Headless Debian Chromium, with nothing that reaches the network. */
export function launch(extraArgs: string[] = []): Promise<Browser> {
  return launchChromium(extraArgs);
}
