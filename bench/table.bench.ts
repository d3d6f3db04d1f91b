/**
 * `npm run bench:table`: `<trial-table>` with 100,000 trials (20 params, 5 metrics) in headless
 * Chromium — first render, sort by a metric, filter by a param range, 2 s of scrolling, and 2 s of
 * scrolling under 1,000 live trial updates a second — each against a baseline measured in the same
 * page; then `<trial-run-list>` scrolling through 10,000 studies. Targets: sort and filter < 100 ms, median frame work < 16 ms, no long task > 50 ms.
 *
 * Wall times suffer when other processes share the CPU, so each step also reports the page's
 * main-thread CPU time (Chromium's task duration in thread ticks), which they barely move.
 */
import { bundle, launch, serve } from './table/harness.js';

const ms = (n: number) => `${n.toFixed(1)} ms`;
const ratio = (ours: number, base: number) => `${(base / Math.max(ours, 0.01)).toFixed(1)}×`;
const check = (ok: boolean) => (ok ? 'ok' : 'MISSED');

interface Frames {
  intervals: { median: number; p95: number; max: number; count: number };
  work: { median: number; p95: number; max: number };
  dropped: number;
  long: { count: number; max: number; over50: number };
}

function frames(label: string, f: Frames, cpu: number): string {
  return (
    `${label}: ${f.intervals.count} frames; frame work median ${ms(f.work.median)} p95 ${ms(f.work.p95)} max ${ms(f.work.max)} [${check(f.work.median < 16)}], ` +
    `main-thread CPU ${ms(cpu / Math.max(1, f.intervals.count))} a frame; interval median ${ms(f.intervals.median)} p95 ${ms(f.intervals.p95)}, ${f.dropped} over 25 ms; ` +
    `long tasks ${f.long.count} (max ${ms(f.long.max)}, ${f.long.over50} over 50 ms) [${check(f.long.over50 === 0)}]`
  );
}

async function main() {
  const { server, url } = await serve(await bundle('bench/table/page.ts'));
  const browser = await launch(['--enable-precise-memory-info']);
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
    page.on('pageerror', (error) => console.error('page error:', error));
    await page.goto(url);
    await page.waitForFunction(() => 'tableBench' in window);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    const taskSeconds = async () =>
      (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')!.value;
    /** Runs a page step; returns its result and the main-thread CPU ms it took. */
    // biome-ignore lint/suspicious/noExplicitAny: figures come back as JSON from the page.
    const run = async (step: string): Promise<[any, number]> => {
      const before = await taskSeconds();
      const result = await page.evaluate((s) => window.tableBench[s](), step);
      return [result, ((await taskSeconds()) - before) * 1000];
    };

    const [setup] = await run('setup');
    // What the store and trials hold, once the snapshot event they were built from is collected.
    await cdp.send('HeapProfiler.collectGarbage');
    const held = Math.round((await cdp.send('Runtime.getHeapUsage')).usedSize / 2 ** 20);
    console.log(
      `data: ${setup.trials} trials × ${setup.params} params × ${setup.metrics} metrics (4 points each); store filled in ${ms(setup.ms)}; ` +
        `JS heap ${setup.heapMB} MB with the snapshot event, ${held} MB after a GC [${check(held < 300)}]`,
    );
    const [first, firstCpu] = await run('firstRender');
    const [base] = await run('firstRenderBaseline');
    console.log(
      `first render, 100,000 trials virtualized: ${ms(first.ms)} (CPU ${ms(firstCpu)}), ${first.domRows} rows in the DOM; ` +
        `baseline, a plain Lit <table> of 1,000 trials (1%) unvirtualized: ${ms(base.ms)} (ratio ${ratio(first.ms, base.ms)})`,
    );
    const [sorted, sortCpu] = await run('sortAscending');
    const [resorted, resortCpu] = await run('sortDescending');
    const [sortBase] = await run('sortBaseline');
    console.log(
      `sort by metric val_loss (column keys + radix sort + render): ${ms(sorted)} (CPU ${ms(sortCpu)}) [${check(sorted < 100)}]; ` +
        `flipped, keys cached: ${ms(resorted)} (CPU ${ms(resortCpu)}); ` +
        `baseline, Array.prototype.sort of trial objects reading the store: ${ms(sortBase)} (ratio ${ratio(sorted, sortBase)})`,
    );
    const [filtered, filterCpu] = await run('filter');
    const [filterBase] = await run('filterBaseline');
    const [cleared, clearCpu] = await run('clearFilters');
    console.log(
      `filter dropout in [0.1, 0.3] (filter + sort + render): ${ms(filtered.ms)} (CPU ${ms(filterCpu)}) [${check(filtered.ms < 100)}], ${filtered.shown} shown; ` +
        `cleared: ${ms(cleared)} (CPU ${ms(clearCpu)}); baseline, Array.prototype.filter of trial objects (no sort, no render): ` +
        `${ms(filterBase.ms)}, ${filterBase.shown} kept (ratio ${ratio(filtered.ms, filterBase.ms)})`,
    );
    const [text, textCpu] = await run('textSearch');
    await run('clearFilters');
    console.log(`text search "lion": ${ms(text.ms)} (CPU ${ms(textCpu)}), ${text.shown} shown`);
    const [scroll, scrollCpu] = await run('scroll');
    console.log(frames('scroll 2 s, 120 px a frame', scroll, scrollCpu));
    const [live, liveCpu] = await run('liveWhileScrolling');
    console.log(frames(`scroll 2 s with ${live.updates} live updates`, live, liveCpu));
    console.log(
      `  rows whose cells re-rendered per DOM batch: median ${live.rowsRerenderedPerFrame.median}, max ${live.rowsRerenderedPerFrame.max}`,
    );
    const [list, listCpu] = await run('runListScroll');
    console.log(
      frames(
        `<trial-run-list>, 10,000 studies (${list.domItems} items in the DOM), scroll 2 s`,
        list,
        listCpu,
      ),
    );
  } finally {
    await browser.close();
    server.close();
  }
}

await main();
