/**
 * The browser bundle the dashboard page loads: `trialkit/define` with lit and zod, as minified ES
 * modules split as a bundler splits them: `trialkit.js` draws the page; the live connection and
 * chart, the Analysis tab, the MLflow source and other parts a page may never need come in chunks
 * it imports (`trialkit-<name>-<hash>.js`). A published package carries them prebuilt
 * (`dist/browser/`, written by the build); in a source checkout without them, the server bundles
 * at start-up with esbuild, which is a build-time dependency and so is not installed with the
 * package. The build writes the prebuilt files with {@link writeBrowserBundle}.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { minifyTemplatesPlugin } from '../../scripts/minify-templates.mjs';

/** Where the prebuilt bundle's entry lives, relative to the package root; its chunks sit beside it. */
export const BROWSER_BUNDLE_PATH = 'dist/browser/trialkit.js';

/** A chunk's file name: hashed, so a server may let browsers keep it for good. */
const CHUNK_FILE = /^trialkit-[\w-]+\.js$/;

/** The page's script and the chunks it imports, by file name (served beside it). */
export interface BrowserBundle {
  code: string;
  chunks: Record<string, string>;
  /**
   * The chunks a page imports at once, the live connection and chart's among them: a page asks for
   * them beside the script (`modulepreload`) instead of one import level after another.
   */
  preload: string[];
}

/** A static import of a chunk in esbuild's output (`import{a as b}from"./x.js"`, `import"./x.js"`), not `import()`. */
const STATIC_IMPORT = /\bimport\s*(?:[^"'();]*?from\s*)?["']\.\/(trialkit-[\w-]+\.js)["']/g;

/** The chunks `code` imports statically, and theirs, into `into`. */
function staticImports(code: string, chunks: Record<string, string>, into: Set<string>): Set<string> {
  for (const [, name] of code.matchAll(STATIC_IMPORT)) {
    if (into.has(name) || chunks[name] === undefined) continue;
    into.add(name);
    staticImports(chunks[name], chunks, into);
  }
  return into;
}

/** What a page imports at once: the script's static imports, and the live chunk with its own. */
function firstImports(code: string, chunks: Record<string, string>): string[] {
  const found = staticImports(code, chunks, new Set());
  // The dashboard's `live.ts` (connection and chart): imported with `import()`, but at once.
  const live = Object.keys(chunks).find((name) => name.startsWith('trialkit-live-'));
  if (live) {
    found.add(live);
    staticImports(chunks[live], chunks, found);
  }
  return [...found];
}

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

/** Bundles the element definitions with esbuild. */
export async function buildBrowserBundle(root = packageRoot()): Promise<BrowserBundle> {
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
    entryPoints: { trialkit: entry },
    absWorkingDir: root,
    bundle: true,
    splitting: true,
    // Not written (write: false); names the files and resolves the chunks' imports of each other.
    outdir: 'browser',
    chunkNames: 'trialkit-[name]-[hash]',
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
  const files = new Map(result.outputFiles.map((file) => [basename(file.path), file.text]));
  const code = files.get('trialkit.js');
  if (code === undefined) throw new Error('esbuild wrote no trialkit.js');
  files.delete('trialkit.js');
  const chunks = Object.fromEntries(files);
  return { code, chunks, preload: firstImports(code, chunks) };
}

/** The bundle: the prebuilt files if the package has them, else built now. */
export async function loadBrowserBundle(root = packageRoot()): Promise<BrowserBundle & { built: boolean }> {
  const prebuilt = join(root, BROWSER_BUNDLE_PATH);
  if (!existsSync(prebuilt)) return { ...(await buildBrowserBundle(root)), built: true };
  const dir = dirname(prebuilt);
  const chunks: Record<string, string> = {};
  for (const name of readdirSync(dir))
    if (CHUNK_FILE.test(name)) chunks[name] = readFileSync(join(dir, name), 'utf8');
  const code = readFileSync(prebuilt, 'utf8');
  return { code, chunks, preload: firstImports(code, chunks), built: false };
}

/**
 * Bundles `trialkit/define` and writes it to `outfile` (default `dist/browser/trialkit.js` in the
 * package), its chunks beside it, in place of the chunks of an earlier build.
 */
export async function writeBrowserBundle(outfile?: string, root = packageRoot()): Promise<string> {
  const target = outfile ?? `${root}/${BROWSER_BUNDLE_PATH}`;
  const { code, chunks } = await buildBrowserBundle(root);
  const dir = dirname(target);
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) if (CHUNK_FILE.test(name)) rmSync(join(dir, name));
  writeFileSync(target, code);
  for (const [name, text] of Object.entries(chunks)) writeFileSync(join(dir, name), text);
  return target;
}
