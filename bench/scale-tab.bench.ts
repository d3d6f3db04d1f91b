// `npm run bench:scale-tab` (also run by `bench:scale`): the browser half of level-of-detail series
// at scale. A study of TRIALS x POINTS points of `loss` (plus the extra metrics of `scale.bench.ts`)
// is written to a sync engine on PGlite and served by the dashboard server (`/events` and
// `/series`; with TRIALKIT_PG_URL, on PostgreSQL instead, in schema PG_SCHEMA); a new headless-Chromium
// tab opens the dashboard on it. Reported: time until the table
// and every curve are drawn, bytes over the wire for that first picture, the tab's JS heap, zoom until
// drawn from its window (whole buckets per column; raw under 8 steps a pixel) p50/p95 (ZOOM_DETAIL=1: each zoom's parts; ZOOM_PROFILE=file: a CPU profile of the page
// during the zooms; FIRST_PROFILE=file: one while it opens; APPEND_PROFILE=file: one while trials append), event to pixel p50/p95 while APPENDERS trials append 10 points/s each (from
// the engine's event, and from the append call), and
// screenshots of our chart and of a 320-points-per-curve sampling (like MLflow's) of the same data
// with one planted spike. DB_DIR=dir (PGlite) or PG_SCHEMA=name (PostgreSQL) keeps the study there,
// and a later run opens it instead of writing it again (the appenders' points stay in it too).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { buildBrowserBundle } from '../src/cli/browser-bundle.js';
import { columnOf, type MetricBatch } from '../src/protocol/index.js';
import { createEventStream, createSeriesWindowHandler, startDashboardServer } from '../src/server/index.js';
import { createSyncEngine } from '../src/sync/index.js';
import { openPglite } from '../src/sync/storage/pglite.js';
import { openPostgres } from '../src/sync/storage/postgres.js';
import { createSqlStorage } from '../src/sync/storage/sql/storage.js';
import { KEY, STUDY_ID, setupStudy } from './scale.bench.js';
import { bundle, launch, root, serve } from './table/harness.js';

const size = {
  trials: Number(process.env.TRIALS ?? 200),
  points: Number(process.env.POINTS ?? 20_000),
  extraKeys: Number(process.env.EXTRA_KEYS ?? 4),
  extraPoints: Number(process.env.EXTRA_POINTS ?? 1000),
  batch: Number(process.env.BATCH ?? 5000),
};
const APPENDERS = Math.min(size.trials, Number(process.env.APPENDERS ?? 200));
const ZOOMS = Number(process.env.ZOOMS ?? 20);
const SAMPLED = 320;
const SPIKE = { trial: 'trial-0', step: Math.floor(size.points * 0.61), value: 40 };
const VIEWPORT = { width: 1400, height: 900 };
const OUT = process.env.SHOTS_DIR ?? tmpdir();

const ms = (n: number) => `${n.toFixed(0)} ms`;
const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
};
const spread = (values: number[]) =>
  `p50 ${ms(pct(values, 0.5))}, p95 ${ms(pct(values, 0.95))} (${values.length} runs)`;

/** In the page: the dashboard's chart and store (bench only: reads the chart's private state). */
const chartState = `(() => {
  const dash = document.querySelector('trial-dashboard');
  const find = (root) => root?.querySelector('trial-metrics-chart') ?? [...(root?.querySelectorAll('*') ?? [])].map((e) => e.shadowRoot && find(e.shadowRoot)).find(Boolean);
  const chart = find(dash?.shadowRoot);
  return { dash, chart, store: dash?.activeStore };
})()`;

async function firstPicture(page: Page, url: string) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  // Bytes on the wire per request: what has streamed in so far (the event stream never finishes),
  // replaced by the encoded total once a request finishes (chunks of a gzipped answer may report
  // their inflated length).
  const received = new Map<string, number>();
  const paths = new Map<string, string>();
  const fetched = new Map<string, { requests: number; bytes: number }>();
  const columns: string[] = [];
  cdp.on('Network.requestWillBeSent', (e) => {
    const url = new URL(e.request.url);
    paths.set(e.requestId, url.pathname);
    if (url.pathname === '/series') columns.push(url.searchParams.get('columns') ?? '?');
  });
  cdp.on('Network.dataReceived', (e) => {
    received.set(e.requestId, (received.get(e.requestId) ?? 0) + (e.encodedDataLength || e.dataLength));
  });
  cdp.on('Network.loadingFinished', (e) => {
    received.set(e.requestId, e.encodedDataLength);
    const path = paths.get(e.requestId) ?? '?';
    const entry = fetched.get(path) ?? { requests: 0, bytes: 0 };
    entry.requests++;
    entry.bytes += e.encodedDataLength;
    fetched.set(path, entry);
  });
  await page.goto(url);
  // Times are the page's (ms since navigation), read when the page sees the picture: this
  // process also runs the server, whose database queries may hold its event loop for seconds.
  const [elapsed, firstPicture] = (await (
    await page.waitForFunction(
      ({ state, trials }) => {
        // biome-ignore lint/security/noGlobalEval: the bench's page probe is a string.
        const { chart, store } = eval(state);
        if (!chart || !store || store.trialsOf('scale').length < trials) return false;
        const views = chart.views ?? [];
        const ready =
          chart.domains !== undefined &&
          views.length >= trials &&
          views.every((v: { length: number }) => v.length > 0);
        // Then painted: a paint of many points is spread over frames (the old picture shows
        // meanwhile), begun within a frame or two of the data.
        const seen = ready ? ((globalThis as { readyFrames?: number }).readyFrames ?? 0) + 1 : 0;
        (globalThis as { readyFrames?: number }).readyFrames = seen;
        const drawn = seen > 2 && !chart.painter?.repainting;
        // Drawn from a first picture while the full overview is on its way?
        return drawn && [performance.now(), chart.windows?.firstPicture !== undefined];
      },
      { state: chartState, trials: size.trials },
      { timeout: 120_000, polling: 'raf' },
    )
  ).jsonValue()) as [number, boolean];
  const wire = [...received.values()].reduce((a, b) => a + b, 0);
  if (firstPicture) await page.screenshot({ path: join(OUT, 'first-picture.png') });
  // A large study's first picture comes from an overview of fewer columns: then the one at the
  // plot's width replaces it.
  const fullElapsed = (await (
    await page.waitForFunction(
      (state) => {
        // biome-ignore lint/security/noGlobalEval: the bench's page probe is a string.
        const chart = eval(state).chart;
        const windows = chart?.windows;
        const full = windows?.overview;
        const shown = windows?.windowed?.overview;
        const ready = !!full?.done && shown?.columns === full.query.columns;
        // Then painted (see the first picture's probe).
        const seen = ready ? ((globalThis as { fullFrames?: number }).fullFrames ?? 0) + 1 : 0;
        (globalThis as { fullFrames?: number }).fullFrames = seen;
        return seen > 2 && !chart?.painter?.repainting && performance.now();
      },
      chartState,
      { timeout: 300_000, polling: 'raf' },
    )
  ).jsonValue()) as number;
  const fullWire = [...received.values()].reduce((a, b) => a + b, 0);
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await page.evaluate(
    () => (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize,
  );
  const byPath = [...fetched]
    .map(([path, f]) => `${path} ${f.requests}x ${(f.bytes / 1e6).toFixed(2)} MB`)
    .join(', ');
  // Where the time went, from the page's resource timing (ms since navigation).
  const timeline = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .filter((e) => /\/(events|series|trialkit\.js)/.test(e.name))
      .map((e) => {
        const r = e as PerformanceResourceTiming;
        const path = new URL(r.name).pathname;
        return `${path} asked ${r.requestStart.toFixed(0)}, first byte ${r.responseStart.toFixed(0)}, last ${r.responseEnd ? r.responseEnd.toFixed(0) : 'open'}`;
      })
      .join('; '),
  );
  return {
    elapsed,
    wire,
    fullElapsed,
    fullWire,
    firstPicture,
    heap,
    byPath: `${byPath}; /series columns asked: ${columns.join(', ')}`,
    timeline,
  };
}

/** One zoom's ms: in all, and its parts read from the page's resource timing of the window fetch. */
interface ZoomTime {
  total: number;
  /** From the zoom to the request (the chart's debounce). */
  before: number;
  /** From the request to the answer's first byte (the server's window read and encoding). */
  server: number;
  /** The answer's bytes. */
  transfer: number;
  /** From the last byte to the frame on screen (decoding, the store, the curves and the redraw). */
  after: number;
  /** The window drawn: its columns and their width. */
  window: string;
}

/** Zooms the chart to random x ranges; ms from the zoom to the frame drawn from its exact window. */
async function zooms(page: Page): Promise<ZoomTime[]> {
  const times: ZoomTime[] = [];
  for (let i = 0; i < ZOOMS; i++) {
    const width = size.points / 2 ** (1 + (i % 8));
    const from = Math.floor((((i * 7919) % 1000) / 1000) * (size.points - width));
    times.push(
      await page.evaluate(
        ({ state, from, to }) =>
          new Promise<ZoomTime>((resolve) => {
            // biome-ignore lint/security/noGlobalEval: the bench's page probe is a string.
            const { chart } = eval(state);
            const start = performance.now();
            const before = chart.windows.windowed?.zoom;
            chart.setZoom([from, to], undefined);
            const done = () => {
              const end = performance.now();
              const fetched = performance
                .getEntriesByType('resource')
                .filter((e) => e.name.includes('/series') && e.startTime >= start)
                .pop() as PerformanceResourceTiming | undefined;
              const f = fetched ?? { startTime: end, responseStart: end, responseEnd: end };
              resolve({
                total: end - start,
                before: f.startTime - start,
                server: f.responseStart - f.startTime,
                transfer: f.responseEnd - f.responseStart,
                after: end - f.responseEnd,
                window: ((w) => (w ? `${w.columns} columns of ${(w.to + 1 - w.from) / w.columns}` : ''))(
                  chart.windows.windowed?.zoom,
                ),
              });
            };
            const check = () => {
              // The chart asks whole buckets per column: a window at least as wide as the zoom.
              const zoom = chart.windows.windowed?.zoom;
              if (zoom && zoom !== before && zoom.from <= from && zoom.to >= Math.floor(to)) settle();
              else requestAnimationFrame(check);
            };
            // Then painted: a paint of many points is spread over frames, begun within two of the data.
            const settle = () =>
              requestAnimationFrame(() =>
                requestAnimationFrame(() => (chart.painter.repainting ? settle() : done())),
              );
            check();
          }),
        { state: chartState, from, to: from + width },
      ),
    );
  }
  await page.evaluate((state) => {
    // biome-ignore lint/security/noGlobalEval: the bench's page probe is a string.
    eval(state).chart.setZoom(undefined, undefined);
  }, chartState);
  return times;
}

/** Runs `fn`; with a `file`, writes a CPU profile of the page during it there. */
async function profiled<T>(page: Page, file: string | undefined, fn: () => Promise<T>): Promise<T> {
  if (!file) return fn();
  const profiler = await page.context().newCDPSession(page);
  await profiler.send('Profiler.enable');
  await profiler.send('Profiler.start');
  const result = await fn();
  const { profile } = await profiler.send('Profiler.stop');
  writeFileSync(file, JSON.stringify(profile));
  return result;
}

/**
 * Starts recording, in the page, ms from a point's timestamp to the frame after it reached the store
 * (`latencies`), and each such frame's time with the trial and step it drew (`painted`).
 */
async function watchLatency(page: Page): Promise<void> {
  await page.evaluate((state) => {
    // biome-ignore lint/security/noGlobalEval: the bench's page probe is a string.
    const { store } = eval(state);
    const latencies: number[] = [];
    const painted: [string, number, number][] = [];
    Object.assign(window, { latencies, painted, arrivals: [] });
    store.subscribe((change: { series: Map<string, { trialId: string; key: string }> }) => {
      const lasts: [string, number, number][] = [];
      for (const { trialId, key } of change.series.values()) {
        const series = key === 'loss' && store.getSeries(trialId, key);
        if (series?.length)
          lasts.push([trialId, series.steps[series.length - 1], series.timestamps[series.length - 1]]);
      }
      if (!lasts.length) return;
      // The chart paints in this same notification; the frame is on screen after the next one.
      requestAnimationFrame(() => {
        const now = Date.now();
        for (const [trialId, step, t] of lasts) {
          latencies.push(now - t);
          painted.push([trialId, step, now]);
        }
      });
    });
  }, chartState);
}

/** The store measured: PGlite in a directory, or PostgreSQL with TRIALKIT_PG_URL; kept if named. */
async function openStore() {
  const url = process.env.TRIALKIT_PG_URL;
  if (url) {
    const schema = process.env.PG_SCHEMA ?? `scale_tab_${process.pid}`;
    const storage = createSqlStorage('postgres', () => openPostgres({ connectionString: url, schema }), {
      summaries: true,
    });
    return {
      storage,
      name: `PostgreSQL, schema ${schema}`,
      async dispose() {
        await storage.close();
        if (process.env.PG_SCHEMA !== undefined) return;
        const driver = await openPostgres({ connectionString: url, schema: 'public' });
        await driver.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await driver.close();
      },
    };
  }
  const dir = process.env.DB_DIR ?? mkdtempSync(join(tmpdir(), 'trialkit-scale-tab-'));
  const storage = createSqlStorage('pglite', () => openPglite({ dataDir: dir }), { summaries: true });
  return {
    storage,
    name: `PGlite in ${dir}`,
    async dispose() {
      await storage.close();
      if (process.env.DB_DIR === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function main() {
  const { storage, name, dispose } = await openStore();
  const engine = createSyncEngine({ storage, enabled: false });
  // A store kept from an earlier run (DB_DIR, PG_SCHEMA) is opened, not written again.
  const kept = (await engine.getSeriesSummaries(STUDY_ID)).some((summary) => summary.key === KEY);
  const total = size.trials * (size.points + size.extraKeys * size.extraPoints);
  console.log(
    `study: ${size.trials} trials x ${size.points} points of ${KEY} + ${size.extraKeys} x ${size.extraPoints} (${(total / 1e6).toFixed(1)}M points), ${name}${kept ? ' (kept)' : ''}`,
  );
  if (!kept) {
    const writeStart = performance.now();
    await setupStudy(engine, size);
    await engine.appendMetrics(SPIKE.trial, KEY, [
      { step: SPIKE.step, value: SPIKE.value, timestamp: 1.75e12 + SPIKE.step * 100 },
    ]);
    console.log(
      `  written in ${((performance.now() - writeStart) / 1000).toFixed(0)} s; planted spike ${SPIKE.value} at step ${SPIKE.step} of ${SPIKE.trial}`,
    );
  }

  // Built from the sources here: a bundle left in dist/ by an earlier build is not what is measured.
  const { code, chunks, preload } = await buildBrowserBundle(root);
  const server = await startDashboardServer({
    page: { title: 'scale', attributes: { src: '/events', study: STUDY_ID, metrics: KEY } },
    bundle: code,
    bundleChunks: chunks,
    bundlePreload: preload,
    events: createEventStream(engine),
    series: createSeriesWindowHandler(engine),
  });
  const browser = await launch(['--enable-precise-memory-info']);
  let appending: ReturnType<typeof setInterval> | undefined;
  try {
    // The probes below are strings evaluated in the page, which the dashboard's CSP forbids.
    const page = await browser.newPage({ viewport: VIEWPORT, bypassCSP: true });
    // tsx names the functions this script hands to the page with a helper the page lacks.
    await page.addInitScript('globalThis.__name = (f) => f;');
    // Once `arrivals` is an array: ms from each appended point's timestamp to its SSE message.
    await page.addInitScript(`globalThis.EventSource = class extends EventSource {
      set onmessage(handle) {
        super.onmessage = (message) => {
          if (globalThis.arrivals && message.data.includes('"metrics.append"')) {
            const now = Date.now();
            for (const batch of JSON.parse(message.data).batches ?? [])
              for (const t of batch.timestamps) globalThis.arrivals.push(now - t);
          }
          handle(message);
        };
      }
      get onmessage() { return super.onmessage; }
    };`);
    page.on('pageerror', (error) => console.error('page error:', error));
    // FIRST_PROFILE=file: a CPU profile of the page while it opens (started on a page of the same
    // origin, so the navigation keeps the renderer and its profiler).
    const firstProfiler = process.env.FIRST_PROFILE ? await page.context().newCDPSession(page) : undefined;
    if (firstProfiler) {
      await page.goto(new URL('/profile-start', server.url).href);
      await firstProfiler.send('Profiler.enable');
      await firstProfiler.send('Profiler.start');
    }
    const first = await firstPicture(page, server.url);
    if (firstProfiler) {
      const { profile } = await firstProfiler.send('Profiler.stop');
      writeFileSync(process.env.FIRST_PROFILE as string, JSON.stringify(profile));
    }
    console.log(
      `  new tab: table and every curve drawn in ${ms(first.elapsed)}; ${(first.wire / 1e6).toFixed(2)} MB over the wire (page, bundle, events, windows); JS heap ${(first.heap / 2 ** 20).toFixed(0)} MB after a GC once every overview is in`,
    );
    if (first.firstPicture)
      console.log(
        `  then the overview at the plot's width replaced it at ${ms(first.fullElapsed)}; ${(first.fullWire / 1e6).toFixed(2)} MB over the wire by then (first picture: ${join(OUT, 'first-picture.png')})`,
      );
    console.log(`  fetched: ${first.byPath} (the event stream stays open: not listed)`);
    console.log(`  timeline (ms from navigation): ${first.timeline}`);
    await page.screenshot({ path: join(OUT, 'ours.png') });

    const zoomed = await profiled(page, process.env.ZOOM_PROFILE, () => zooms(page));
    if (process.env.ZOOM_DETAIL)
      for (const z of zoomed)
        console.log(
          `    ${(['total', 'before', 'server', 'transfer', 'after'] as const).map((k) => `${k} ${ms(z[k])}`).join(', ')}: ${z.window}`,
        );
    console.log(`  zoom drawn from its window: ${spread(zoomed.map((z) => z.total))}`);
    const part = (name: Exclude<keyof ZoomTime, 'window'>) =>
      `${name} ${ms(
        pct(
          zoomed.map((z) => z[name]),
          0.5,
        ),
      )}`;
    console.log(
      `    p50 of its parts: ${(['before', 'server', 'transfer', 'after'] as const).map(part).join(', ')}`,
    );

    await watchLatency(page);
    // The server's part: from a point's timestamp to its event leaving the engine (committed).
    const serverLatencies: number[] = [];
    const emitted = new Map<string, number>();
    const unsubscribe = engine.subscribe((event) => {
      if (event.type !== 'metrics.append') return;
      const now = Date.now();
      for (const batch of event.batches) {
        for (const t of batch.timestamps) serverLatencies.push(now - t);
        for (const step of batch.steps) emitted.set(`${batch.trialId} ${step}`, now);
      }
    });
    // Past every step stored: a kept study holds earlier runs' appended points.
    const stored = (await engine.getSeriesSummaries(STUDY_ID)).filter((summary) => summary.key === KEY);
    let next = Math.max(size.points, ...stored.map((summary) => summary.last.step)) + 1;
    appending = setInterval(() => {
      const step = next++;
      for (let t = 0; t < APPENDERS; t++)
        void engine.appendMetrics(`trial-${t}`, KEY, [
          { step, value: Math.exp(-step / 20_000), timestamp: Date.now() },
        ]);
    }, 100);
    await profiled(page, process.env.APPEND_PROFILE, () => page.waitForTimeout(15_000));
    clearInterval(appending);
    appending = undefined;
    const { latencies, arrivals, painted } = await page.evaluate(() => {
      const { latencies, arrivals, painted } = window as unknown as {
        latencies: number[];
        arrivals: number[];
        painted: [string, number, number][];
      };
      return { latencies, arrivals, painted };
    });
    unsubscribe();
    // From the engine's event (the protocol event leaving the server) to the frame that drew it.
    const fromEvent = painted.flatMap(([trialId, step, at]) => {
      const sent = emitted.get(`${trialId} ${step}`);
      return sent === undefined ? [] : [at - sent];
    });
    console.log(`  event to pixel while ${APPENDERS} trials append 10 points/s each: ${spread(fromEvent)}`);
    console.log(`    from the append call (the point's timestamp) to pixel: ${spread(latencies)}`);
    console.log(`    of which the server, append to event: ${spread(serverLatencies)}`);
    console.log(`    and append to the page's SSE message: ${spread(arrivals)}`);

    // The sampling baseline: SAMPLED evenly spaced points per curve of the same data.
    const sampled: MetricBatch[] = [];
    for (let t = 0; t < size.trials; t++) {
      // The first point of each of SAMPLED equal columns: evenly spaced raw points.
      const query = {
        studyId: STUDY_ID,
        key: KEY,
        x: 'step' as const,
        trialIds: [`trial-${t}`],
        from: 0,
        to: size.points,
        columns: SAMPLED,
      };
      const part = (await engine.getSeriesWindow(query)).series[0];
      const batch: MetricBatch = { trialId: part.trialId, key: KEY, steps: [], values: [], timestamps: [] };
      let column = -1;
      for (let i = 0; i < part.steps.length; i++) {
        const at = columnOf(part.steps[i], 0, size.points, SAMPLED);
        if (at === column) continue;
        column = at;
        (batch.steps as number[]).push(part.steps[i]);
        (batch.values as number[]).push(part.values[i]);
        (batch.timestamps as number[]).push(part.timestamps[i]);
      }
      sampled.push(batch);
    }
    const snapshot = await engine.snapshot({ points: false });
    const shots = await serve(await bundle('bench/scale/sampled-page.ts'));
    const other = await browser.newPage({ viewport: VIEWPORT });
    await other.goto(shots.url);
    await other.waitForFunction(() => 'showSampled' in window);
    await other.evaluate(
      ({ study, trials, batches, w, h }) => window.showSampled(study, trials, batches, w, h),
      {
        study: snapshot.studies.find((s) => s.id === STUDY_ID)!,
        trials: snapshot.trials,
        batches: sampled,
        w: VIEWPORT.width - 40,
        h: 480,
      },
    );
    await other.screenshot({ path: join(OUT, 'sampled-320.png') });
    shots.server.close();
    const kept = Array.from(sampled[0].values).includes(SPIKE.value);
    console.log(
      `  screenshots: ${join(OUT, 'ours.png')} and ${join(OUT, 'sampled-320.png')}; the planted spike is ${kept ? '' : 'not '}among the 320 sampled points of ${SPIKE.trial}`,
    );
  } finally {
    if (appending) clearInterval(appending);
    await browser.close();
    await server.close();
    await dispose();
  }
}

await main();
