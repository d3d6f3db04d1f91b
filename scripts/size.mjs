// The size budget: what a page pays for `import 'trialkit/define'` — the entry bundled with its
// dependencies (lit, d3, zod), minified and gzipped — and what dominates it. Fails above the budget.
//
//   node scripts/size.mjs [entry] [--budget=KB] [--top=N] [--files]
//
// --files lists single input files instead of packages and folders.
//
// Code the entry loads with `import()` lands in separate chunks (a bundler splits it the same way);
// they are listed but only the entry chunk, which the page pays upfront, counts against the budget.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const args = process.argv.slice(2);
const option = (name, fallback) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const entry = resolve(args.find((a) => !a.startsWith('--')) ?? 'src/components/define.ts');
const budgetKb = Number(option('budget', 50));
const top = Number(option('top', 12));
const perFile = args.includes('--files');

const outdir = mkdtempSync(join(tmpdir(), 'trialkit-size-'));
const result = await build({
  entryPoints: [entry],
  bundle: true,
  minify: true,
  format: 'esm',
  splitting: true,
  platform: 'browser',
  target: 'es2022',
  outdir,
  write: false,
  metafile: true,
  legalComments: 'none',
  tsconfig: resolve('tsconfig.json'),
  // Lets an entry outside the repo (a scratch file) resolve our dependencies.
  nodePaths: [resolve('node_modules')],
  logLevel: 'warning',
});
rmSync(outdir, { recursive: true, force: true });

const kb = (bytes) => (bytes / 1024).toFixed(1);
const gz = (file) => gzipSync(file.contents, { level: 9 }).length;
const entryName = relative(process.cwd(), entry);
const outputs = Object.entries(result.metafile.outputs).map(([path, meta]) => ({
  path,
  meta,
  file: result.outputFiles.find((f) => relative(process.cwd(), f.path) === path),
}));
const main = outputs.find((o) => o.meta.entryPoint && resolve(o.meta.entryPoint) === entry);

/** Bytes in the output by package (node_modules/<pkg>) or by our folder (src/<folder>). */
function byOrigin(meta) {
  const sums = new Map();
  for (const [input, { bytesInOutput }] of Object.entries(meta.inputs)) {
    const pkg = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1];
    const key = perFile ? input : (pkg ?? input.replace(/^(src\/[^/]+)\/.*$/, '$1'));
    sums.set(key, (sums.get(key) ?? 0) + bytesInOutput);
  }
  return [...sums].sort((a, b) => b[1] - a[1]);
}

const entryGz = gz(main.file);
console.log(`trialkit size: ${entryName}`);
console.log(
  `  entry chunk: ${kb(main.file.contents.length)} KB minified, ${kb(entryGz)} KB gzip (budget ${budgetKb} KB)`,
);
for (const o of outputs) {
  if (o === main || !o.path.endsWith('.js')) continue;
  console.log(
    `  lazy chunk ${relative(outdir, resolve(o.path))}: ${kb(o.file.contents.length)} KB min, ${kb(gz(o.file))} KB gzip`,
  );
}
console.log(`  largest contributors to the entry chunk (minified bytes, before gzip):`);
const total = main.file.contents.length;
for (const [origin, bytes] of byOrigin(main.meta).slice(0, top)) {
  console.log(
    `    ${origin.padEnd(36)} ${kb(bytes).padStart(7)} KB  ${((100 * bytes) / total).toFixed(0).padStart(3)}%`,
  );
}
if (entryGz > budgetKb * 1024) {
  console.error(`size budget exceeded: ${kb(entryGz)} KB gzip > ${budgetKb} KB`);
  process.exit(1);
}
