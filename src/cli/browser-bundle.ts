/**
 * The browser bundle the dashboard page loads: `trialkit/define` with lit, d3 and zod in one
 * minified ES module. A published package carries it prebuilt (`dist/browser/trialkit.js`, written
 * by the build); in a source checkout without it, the server bundles it at start-up with esbuild,
 * which is a build-time dependency and so is not installed with the package. The build writes the
 * prebuilt file with {@link writeBrowserBundle}.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { minifyTemplatesPlugin } from '../../scripts/minify-templates.mjs';

/** Where the prebuilt bundle lives, relative to the package root. */
export const BROWSER_BUNDLE_PATH = 'dist/browser/trialkit.js';

/**
 * The package root: the nearest folder above this module whose package.json is trialkit's. Found by
 * walking up because the built code may sit in a shared chunk at `dist/`, not in `dist/cli/`.
 */
export function packageRoot(from = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'trialkit') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find trialkit's package.json above ${from}`);
    dir = parent;
  }
}

/** Bundles the element definitions with esbuild; resolves with the JavaScript text. */
export async function buildBrowserBundle(root = packageRoot()): Promise<string> {
  // The TypeScript source when there is one (a checkout), else the built module (an install with esbuild).
  const source = join(root, 'src/components/define.ts');
  const entry = existsSync(source) ? source : join(root, 'dist/define.js');
  let esbuild: typeof import('esbuild');
  try {
    // A name in a variable: bundlers (tsup, when it builds this module) must leave the import alone.
    const name = 'esbuild';
    esbuild = await import(name);
  } catch {
    throw new Error(
      `${BROWSER_BUNDLE_PATH} is missing and esbuild is not installed to build it; reinstall trialkit`,
    );
  }
  const result = await esbuild.build({
    entryPoints: [entry],
    absWorkingDir: root,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
    // The components' template text, as tsup's dist/ has it (a no-op on the built module).
    plugins: [minifyTemplatesPlugin()],
  });
  return result.outputFiles[0].text;
}

/** The bundle's text: the prebuilt file if the package has one, else built now. */
export async function loadBrowserBundle(root = packageRoot()): Promise<{ code: string; built: boolean }> {
  const prebuilt = join(root, BROWSER_BUNDLE_PATH);
  if (existsSync(prebuilt)) return { code: readFileSync(prebuilt, 'utf8'), built: false };
  return { code: await buildBrowserBundle(root), built: true };
}

/** Bundles `trialkit/define` and writes it to `outfile` (default `dist/browser/trialkit.js` in the package). */
export async function writeBrowserBundle(outfile?: string, root = packageRoot()): Promise<string> {
  const target = outfile ?? `${root}/${BROWSER_BUNDLE_PATH}`;
  const code = await buildBrowserBundle(root);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, code);
  return target;
}
