/**
 * Writes the dashboard's browser bundle to a file: the build calls this (tsup's `onSuccess`) so
 * that the published package carries `dist/browser/trialkit.js` and needs no bundler at run time.
 * Kept apart from `browser-bundle.ts` so the server's code does not carry file-writing it never uses.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { BROWSER_BUNDLE_PATH, buildBrowserBundle, packageRoot } from './browser-bundle.js';

/** Bundles `trialkit/define` and writes it to `outfile` (default `dist/browser/trialkit.js` in the package). */
export async function writeBrowserBundle(outfile?: string, root = packageRoot()): Promise<string> {
  const target = outfile ?? `${root}/${BROWSER_BUNDLE_PATH}`;
  const code = await buildBrowserBundle(root);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, code);
  return target;
}
