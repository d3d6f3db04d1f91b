// Browser tests: real Chromium (Debian's /usr/bin/chromium, never a downloaded browser).
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { CHROMIUM, CHROMIUM_ARGS } from './scripts/chromium.mjs';
import { startMlflowServer } from './scripts/mlflow-server.mjs';
import { sseSourceServer } from './test/client/sources/sse-source-server.mjs';

/** Starts the test MLflow server once and serves its URL to pages as `/__trialkit/env.js`. */
function mlflowPeer() {
  let server;
  return {
    name: 'trialkit-mlflow-peer',
    async serverStart() {
      server = await startMlflowServer({ extraArgs: ['--cors-allowed-origins', '*'] });
    },
    async serverStop() {
      await server?.stop();
    },
    serve(context) {
      if (context.path === '/__trialkit/env.js') {
        return { body: `export const mlflowUri = ${JSON.stringify(server.uri)};`, type: 'js' };
      }
    },
  };
}

/**
 * `/__trialkit/dashboard-sse`: a scripted SSE stream for `<trial-dashboard src=…>` tests. It sends
 * a snapshot (one study, two running trials), then trial 0 finishing and one malformed event, and
 * stays open. With `?drop=1` the first connection ends after the snapshot, so the client reconnects
 * (with `lastEventId`) and the second connection stays open.
 */
function dashboardSse(ctx, next) {
  if (ctx.path !== '/__trialkit/dashboard-sse') return next();
  const trial = (n, status) => ({
    id: `t${n}`,
    studyId: 's1',
    number: n,
    status,
    params: { lr: 0.01 * (n + 1) },
    tags: {},
    flags: [],
  });
  const send = (seq, event) =>
    ctx.res.write(`id: ${seq}\ndata: ${JSON.stringify({ v: 1, seq, ...event })}\n\n`);
  ctx.respond = false;
  ctx.res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
  if (!ctx.query.lastEventId) {
    const study = { id: 's1', name: 'SSE study', status: 'running', createdAt: 1, tags: {} };
    send(1, { type: 'snapshot', studies: [study], trials: [trial(0, 'running'), trial(1, 'running')] });
    if (ctx.query.drop) return ctx.res.end();
  }
  const timer = setTimeout(() => {
    send(2, { type: 'trial.upsert', trial: trial(0, 'succeeded') });
    ctx.res.write('data: {"v":1,"seq":3,"type":"trial.upsert"}\n\n');
  }, 300);
  ctx.req.on('close', () => clearTimeout(timer));
}

export default {
  files: ['test/**/*.browser.test.ts'],
  nodeResolve: true,
  concurrency: 1,
  testsFinishTimeout: 600_000,
  testFramework: { config: { timeout: 60_000 } },
  middleware: [dashboardSse],
  plugins: [
    esbuildPlugin({ ts: true, target: 'auto', tsconfig: './tsconfig.json' }),
    mlflowPeer(),
    sseSourceServer(),
  ],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
      },
    }),
  ],
};
