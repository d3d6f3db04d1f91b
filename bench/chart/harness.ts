/**
 * Node side of the chart benchmark and screenshots: bundles a browser entry with esbuild (in
 * memory), serves it from 127.0.0.1 on a free port, and opens it in headless Debian Chromium
 * through playwright-core. Nothing leaves the machine.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/chromium.mjs';

export interface PageOptions {
  /** The browser entry module (TypeScript), bundled with everything it imports. */
  entry: string;
  viewport?: { width: number; height: number };
  deviceScaleFactor?: number;
  colorScheme?: 'light' | 'dark';
}

/** Bundles `entry` for the browser, in production mode (no Lit dev warnings or checks). */
async function bundle(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    minify: true,
    sourcemap: false,
    conditions: ['production'],
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  return result.outputFiles[0].text;
}

function serve(script: string): Promise<Server> {
  const page = `<!doctype html><html><head><meta charset="utf-8"><style>
    html, body { margin: 0; padding: 0; background: #fff; }
  </style></head><body><script type="module" src="/entry.js"></script></body></html>`;
  const server = createServer((req, res) => {
    if (req.url === '/entry.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    } else if (req.url === '/' || req.url === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/**
 * Runs `fn` with a page that has loaded the bundled `entry` (it waits for `window.ready`), then
 * closes browser and server whatever happens.
 */
export async function withPage<T>(options: PageOptions, fn: (page: Page) => Promise<T>): Promise<T> {
  const server = await serve(await bundle(options.entry));
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const context = await browser.newContext({
      viewport: options.viewport ?? { width: 1000, height: 700 },
      deviceScaleFactor: options.deviceScaleFactor ?? 1,
      colorScheme: options.colorScheme ?? 'light',
    });
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('[page error]', e.message));
    const { port } = server.address() as AddressInfo;
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => (window as { ready?: boolean }).ready === true, undefined, {
      timeout: 120_000,
    });
    return await fn(page);
  } finally {
    await browser?.close();
    await new Promise((resolve) => server.close(resolve));
  }
}
