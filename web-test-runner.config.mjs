// Browser tests: real Chromium (Debian's /usr/bin/chromium, never a downloaded browser).
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { startMlflowServer } from './scripts/mlflow-server.mjs';

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

export default {
  files: ['test/components/**/*.test.ts', 'test/browser/**/*.test.ts'],
  nodeResolve: true,
  concurrency: 1,
  testsFinishTimeout: 600_000,
  testFramework: { config: { timeout: 60_000 } },
  plugins: [esbuildPlugin({ ts: true, target: 'auto', tsconfig: './tsconfig.json' }), mlflowPeer()],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: '/usr/bin/chromium',
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      },
    }),
  ],
};
