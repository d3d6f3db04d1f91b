/**
 * `tsx bench/analysis/screenshots.ts [outDir] [view…]`: the analysis views, light and dark, wide
 * and at a phone's width, as PNGs (default /tmp/shots), to look at after a visual change.
 */
import { mkdirSync } from 'node:fs';
import { bundle, launch, serve } from '../table/harness.js';

const out = process.argv[2] ?? '/tmp/shots';
const views = process.argv.slice(3);
mkdirSync(out, { recursive: true });
const { server, url } = await serve(await bundle('bench/analysis/shots-page.ts'));
const browser = await launch();
try {
  for (const view of views.length
    ? views
    : ['parallel-coords', 'param-importance', 'slice-plot', 'history', 'dashboard']) {
    for (const [theme, width, extra] of [
      ['light', 1200, ''],
      ['dark', 1200, '&brush=1'],
      ['light', 390, ''],
    ] as const) {
      const page = await browser.newPage({ viewport: { width, height: 800 } });
      page.on('pageerror', (error) => console.error('page error:', error));
      page.on('console', (m) => m.type() === 'error' && console.error('console:', m.text()));
      await page.goto(`${url}?view=${view}&theme=${theme}${extra}`);
      await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready);
      await page.waitForTimeout(400);
      const path = `${out}/${view}-${theme}-${width}.png`;
      await page.screenshot({ path, fullPage: true });
      console.log(path);
      await page.close();
    }
  }
} finally {
  await browser.close();
  server.close();
}
