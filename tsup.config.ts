import { mkdirSync, writeFileSync } from 'node:fs';
import { defineConfig } from 'tsup';
import { minifyTemplatesPlugin } from './scripts/minify-templates.mjs';

/** One entry per subpath export (see package.json `exports`). */
export const entries = {
  'protocol/index': 'src/protocol/index.ts',
  'mlflow/index': 'src/mlflow/index.ts',
  'sync/index': 'src/sync/index.ts',
  'sync/pglite': 'src/sync/storage/pglite.ts',
  'sync/postgres': 'src/sync/storage/postgres.ts',
  'client/index': 'src/client/index.ts',
  'components/index': 'src/components/index.ts',
  'components/analysis/index': 'src/components/analysis/index.ts',
  define: 'src/components/define.ts',
  'react/index': 'src/react/index.ts',
  'server/index': 'src/server/index.ts',
  'cli/cli': 'src/cli/cli.ts',
};

export default defineConfig({
  entry: entries,
  format: ['esm'],
  target: 'es2022',
  dts: true,
  sourcemap: true,
  clean: true,
  splitting: true,
  treeshake: true,
  // Lit's css`…`/html`…` text minified, as JS minifiers leave it alone (users' bundlers too).
  esbuildPlugins: [minifyTemplatesPlugin()],
  // Producers in other languages validate against the protocol's JSON Schema.
  async onSuccess() {
    const { trialEventJsonSchema } = await import('./src/protocol/json-schema.js');
    mkdirSync('dist/protocol', { recursive: true });
    writeFileSync(
      'dist/protocol/trial-event.schema.json',
      `${JSON.stringify(trialEventJsonSchema(), null, 2)}\n`,
    );
    // The dashboard page's script, so an installed `trialkit serve` needs no bundler at run time.
    const { writeBrowserBundle } = await import('./src/cli/browser-bundle.js');
    await writeBrowserBundle();
  },
});
