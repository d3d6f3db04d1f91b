/**
 * Screenshots of `<trial-metrics-chart>` (light and dark, a flagged trial dashed, the tooltip
 * showing, 200 dense curves with one highlighted) into /tmp/shots/, for a person to look at. Usage: `tsx bench/chart/screenshot.ts [--docs]`
 * (`--docs` also writes the light one to docs/metrics-chart.png).
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withPage } from './harness.js';

const out = '/tmp/shots';
mkdirSync(out, { recursive: true });

await withPage(
  {
    entry: fileURLToPath(new URL('./shots-page.ts', import.meta.url)),
    viewport: { width: 800, height: 900 },
    deviceScaleFactor: 2,
  },
  async (page) => {
    await page.waitForTimeout(300);
    await page.locator('#live').screenshot({ path: `${out}/chart-live.png` });
    await page.locator('#dense').screenshot({ path: `${out}/chart-dense.png` });
    for (const theme of ['light', 'dark']) {
      const wrap = page.locator(`#${theme}`);
      await wrap.screenshot({ path: `${out}/chart-${theme}-plain.png` });
      const box = (await wrap.locator('trial-metrics-chart').boundingBox())!;
      await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.45);
      await page.waitForTimeout(200);
      await wrap.screenshot({ path: `${out}/chart-${theme}-hover.png` });
      await page.mouse.move(0, 0);
      await page.waitForTimeout(100);
    }
  },
);
if (process.argv.includes('--docs')) copyFileSync(`${out}/chart-light-hover.png`, 'docs/metrics-chart.png');
console.log(`screenshots in ${out}`);
