// Takes docs/screenshot.png from a running dashboard: `npm start`, wait half a minute for the
// search to get going, then `node scripts/screenshot.mjs [url] [file]` (headless Chromium, 1440x900).
import { launchChromium } from './chromium.mjs';

const [url = 'http://127.0.0.1:5177', file = 'docs/screenshot.png'] = process.argv.slice(2);
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(url);
  // Let the first frames of live data arrive and the charts settle.
  await page.waitForTimeout(5000);
  await page.screenshot({ path: file });
  console.log(`[trialkit] wrote ${file}`);
} finally {
  await browser.close();
}
