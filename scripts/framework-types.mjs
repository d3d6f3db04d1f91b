// The framework types and editor hints, generated from custom-elements.json after tsup (`npm run build`
// and scripts/ensure-built.mjs run this): one map of trialkit's elements (class, settable properties, events by class)
// in dist/types/elements.d.ts, which the hand-written React/Vue/Svelte declarations in types/
// (copied next to it) turn into each framework's shape with mapped types, and VS Code's and JetBrains'
// custom data in dist/editor/. A new element in the manifest is typed everywhere with no edit here.
//
//   node scripts/framework-types.mjs [--analyze]   (--analyze first refreshes custom-elements.json)
//
// The break-stuff integrations write the editor data. Their JSX/Vue/Svelte/Solid type generators
// are not used: they type each listener as `(e: CustomEvent<TrialFinishedEvent>)` (our events are
// Event subclasses, so `e.trial` fails to type-check) and key props by attribute name
// (`"highlight-flag"`), which React and Svelte set as an attribute, stringifying objects.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateJetBrainsWebTypes } from 'custom-element-jet-brains-integration';
import { generateVsCodeCustomElementData } from 'custom-element-vs-code-integration';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The elements the manifest declares: tag, class, settable properties and events with their classes. */
export function elementsOf(manifest) {
  const elements = [];
  for (const mod of manifest.modules) {
    for (const d of mod.declarations ?? []) {
      if (!d.customElement || !d.tagName) continue;
      const properties = (d.members ?? [])
        .filter((m) => m.kind === 'field' && !m.static && !m.privacy && !m.readonly && !m.inheritedFrom)
        .map((m) => m.name);
      const events = (d.events ?? []).filter((e) => e.name && e.type?.text);
      elements.push({ tag: d.tagName, className: d.name, properties, events });
    }
  }
  return elements.sort((a, b) => (a.tag < b.tag ? -1 : 1));
}

const quote = (s) => JSON.stringify(s);

/** dist/types/elements.d.ts: `TrialkitElements`, keyed by tag. */
export function elementsDeclaration(elements) {
  const names = new Set(elements.flatMap((e) => [e.className, ...e.events.map((ev) => ev.type.text)]));
  const lines = [
    '// Generated from custom-elements.json by scripts/framework-types.mjs; do not edit.',
    `import type { ${[...names].sort().join(', ')} } from '../components/index.js';`,
    '',
    '/** Each trialkit element by tag: its class, the properties a template may set, its events by class. */',
    'export interface TrialkitElements {',
  ];
  for (const e of elements) {
    const props = e.properties.map(quote).join(' | ') || 'never';
    lines.push(`  ${quote(e.tag)}: {`);
    lines.push(`    element: ${e.className};`);
    lines.push(`    properties: Partial<Pick<${e.className}, ${props}>>;`);
    lines.push('    events: {');
    for (const ev of e.events) lines.push(`      ${quote(ev.name)}: ${ev.type.text};`);
    lines.push('    };');
    lines.push('  };');
  }
  lines.push('}', '');
  return lines.join('\n');
}

export function generate({ analyze = false } = {}) {
  if (analyze) {
    const cem = spawnSync(join(root, 'node_modules/.bin/cem'), ['analyze'], { cwd: root, stdio: 'ignore' });
    if (cem.status !== 0) throw new Error(`cem analyze failed (exit ${cem.status ?? cem.signal})`);
  }
  const manifest = JSON.parse(readFileSync(join(root, 'custom-elements.json'), 'utf8'));
  mkdirSync(join(root, 'dist/types'), { recursive: true });
  writeFileSync(join(root, 'dist/types/elements.d.ts'), elementsDeclaration(elementsOf(manifest)));
  for (const framework of ['react', 'vue', 'svelte', 'solid', 'preact'])
    cpSync(join(root, `types/${framework}.d.ts`), join(root, `dist/types/${framework}.d.ts`));
  // The integrations add fields to the manifest they are given: hand them copies.
  const editor = join(root, 'dist/editor');
  generateVsCodeCustomElementData(structuredClone(manifest), {
    outdir: editor,
    htmlFileName: 'vscode.html-custom-data.json',
    cssFileName: 'vscode.css-custom-data.json',
    hideLogs: true,
  });
  generateJetBrainsWebTypes(structuredClone(manifest), {
    outdir: editor,
    fileName: 'web-types.json',
    packageJson: false,
    hideLogs: true,
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  generate({ analyze: process.argv.includes('--analyze') });
}
