/**
 * `tsx bench/table/screenshots.ts [outDir]`: the run list and table in light and dark, as PNGs
 * (default /tmp/shots), to look at after a visual change.
 */
import { mkdirSync } from 'node:fs';
import { bundle, launch, serve } from './harness.js';

const out = process.argv[2] ?? '/tmp/shots';
mkdirSync(out, { recursive: true });
const { server, url } = await serve(await bundle('bench/table/shots-page.ts'));
const browser = await launch();
try {
  for (const theme of ['light', 'dark']) {
    const page = await browser.newPage({ viewport: { width: 1600, height: 744 } });
    page.on('pageerror', (error) => console.error('page error:', error));
    await page.goto(`${url}?theme=${theme}`);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready);
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${out}/trial-table-${theme}.png` });
    console.log(`${out}/trial-table-${theme}.png`);
    if (theme === 'light') {
      // The toolbar's menus open, to check that they overlay the grid cleanly.
      await page.evaluate(() => {
        const table = document.querySelector('trial-table')!;
        table.filters = {
          metrics: [{ key: 'val_loss', max: 0.1 }],
          params: [{ name: 'optimizer', values: ['adam', 'sgd'] }],
        };
        table.shadowRoot!.querySelector('[part="filter-menu"]')!.setAttribute('open', '');
      });
      await page.waitForTimeout(200);
      await page.screenshot({ path: `${out}/trial-table-menus.png` });
      console.log(`${out}/trial-table-menus.png`);
    }
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
