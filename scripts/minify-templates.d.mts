import type { Plugin } from 'esbuild';

/** CSS text without comments and needless whitespace. */
export function minifyCss(text: string): string;
/** Markup with each whitespace run that spans lines reduced to one space. */
export function minifyMarkup(text: string): string;
/** `source` with the text of its css/html/svg tagged templates minified. */
export function minifyTemplates(source: string): string;
/** An esbuild plugin applying {@link minifyTemplates} to modules matching `filter` (default: src/components). */
export function minifyTemplatesPlugin(options?: { filter?: RegExp }): Plugin;
