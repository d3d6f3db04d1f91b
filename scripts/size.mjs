// The size budget: what a page pays for `import 'trialkit/define'` — the entry bundled with its
// dependencies (lit, d3-array), minified and gzipped — and what dominates it. Fails above the budget.
//
//   node scripts/size.mjs [entry] [--budget=KB] [--connection-budget=KB] [--top=N] [--files]
//
// --files lists single input files instead of packages and folders.
//
// Code the entry loads with `import()` lands in separate chunks (a bundler splits it the same way).
// The upfront figure is the entry chunk with every chunk it imports statically (a shared chunk it
// imports is paid upfront too). The connection figure is that plus what the dashboard's
// `import()` of the live connection and the chart (`trial-dashboard/live.ts`: store, SSE source,
// validation, the metrics chart) loads with its static imports. Code loaded on demand — the Analysis tab's views, comments, chart
// exports, and the MLflow source a further `import()` away — is listed but not counted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { minifyTemplatesPlugin } from './minify-templates.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const entry = resolve(args.find((a) => !a.startsWith('--')) ?? 'src/components/define.ts');
const budgetKb = Number(option('budget', 50));
const connectionBudgetKb = Number(option('connection-budget', Number.POSITIVE_INFINITY));
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
  plugins: [minifyTemplatesPlugin()],
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
const byPath = new Map(outputs.map((o) => [resolve(o.path), o]));

/** `from` and every chunk it imports statically, transitively. */
function staticClosure(from, into = new Set()) {
  if (into.has(from)) return into;
  into.add(from);
  for (const i of from.meta.imports) {
    const to = byPath.get(resolve(i.path));
    if (i.kind === 'import-statement' && to) staticClosure(to, into);
  }
  return into;
}
const upfront = staticClosure(main);
const dynamicTargets = [...upfront].flatMap((o) =>
  o.meta.imports.filter((i) => i.kind === 'dynamic-import').map((i) => byPath.get(resolve(i.path))),
);
/** The module the dashboard imports to connect to its source and draw its charts. */
const CONNECT = /(^|\/)src\/components\/trial-dashboard\/live\.ts$/;
const connection = new Set(upfront);
for (const target of dynamicTargets)
  if (target && CONNECT.test(target.meta.entryPoint ?? '')) staticClosure(target, connection);
const onDemand = new Set();
for (const target of dynamicTargets) if (target) staticClosure(target, onDemand);

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

const sum = (chunks, size) => [...chunks].reduce((total, o) => total + size(o), 0);
const entryGz = sum(upfront, (o) => gz(o.file));
const connectionGz = sum(connection, (o) => gz(o.file));
console.log(`trialkit size: ${entryName}`);
console.log(
  `  upfront (entry chunk + its static imports): ${kb(sum(upfront, (o) => o.file.contents.length))} KB minified, ${kb(entryGz)} KB gzip (budget ${budgetKb} KB)`,
);
console.log(
  `  with a live connection (+ the import() of the connection and chart, and its static imports): ${kb(sum(connection, (o) => o.file.contents.length))} KB minified, ${kb(connectionGz)} KB gzip${Number.isFinite(connectionBudgetKb) ? ` (budget ${connectionBudgetKb} KB)` : ''}`,
);
for (const o of outputs) {
  if (!o.path.endsWith('.js')) continue;
  const role =
    o === main
      ? 'entry'
      : upfront.has(o)
        ? 'upfront'
        : connection.has(o)
          ? 'connection'
          : onDemand.has(o)
            ? 'on demand'
            : 'later';
  console.log(
    `  ${role.padEnd(10)} ${relative(outdir, resolve(o.path)).padEnd(28)} ${kb(o.file.contents.length).padStart(7)} KB min ${kb(gz(o.file)).padStart(6)} KB gzip`,
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
  console.error(`size budget exceeded: ${kb(entryGz)} KB gzip upfront > ${budgetKb} KB`);
  process.exitCode = 1;
}
if (connectionGz > connectionBudgetKb * 1024) {
  console.error(`connection size budget exceeded: ${kb(connectionGz)} KB gzip > ${connectionBudgetKb} KB`);
  process.exitCode = 1;
}
