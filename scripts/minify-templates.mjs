// Minifies the static text of Lit's tagged templates (css`…`, html`…`, svg`…`) at build time: the
// components' styles and markup are a large part of what `trialkit/define` weighs, and a JS
// minifier leaves template text alone. One module for every bundle we make (tsup's dist/, the
// page's browser bundle, the size check), so the size measured is the size shipped.
//
// Only the text between `${…}` changes; expressions are copied as they are (tagged templates
// nested in them are minified in turn). CSS: comments go, whitespace runs become one space, and
// spaces beside `{ } ; ,`, after a colon and a `;` before `}` go. HTML/SVG: whitespace runs that contain a line
// break become one space (what the browser renders for them under `white-space: normal`).
import { readFile } from 'node:fs/promises';

const TAGS = ['css', 'html', 'svg'];

/** CSS text without comments and needless whitespace. */
export function minifyCss(text) {
  return (
    text
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\s+/g, ' ')
      .replace(/ ?([{};,]) ?/g, '$1')
      // `a: b` only occurs in declarations and media features (a selector's colon is never followed by a space).
      .replace(/: /g, ':')
      .replace(/;}/g, '}')
  );
}

/** Markup with each whitespace run that spans lines reduced to one space. */
export function minifyMarkup(text) {
  return text.replace(/[ \t]*\r?\n\s*/g, ' ');
}

/** `source` (TypeScript or JavaScript) with the text of its css/html/svg templates minified. */
export function minifyTemplates(source) {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const tag = templateTagAt(source, i);
    if (tag) {
      const start = i + tag.length + 1;
      const { text, end } = readTemplate(source, start, tag === 'css' ? minifyCss : minifyMarkup);
      out += `${tag}\`${tag === 'css' ? text.trim() : text}\``;
      i = end;
      continue;
    }
    const skipped = skipToken(source, i);
    out += source.slice(i, skipped);
    i = skipped;
  }
  return out;
}

/** The tag if a tagged template `css\`` / `html\`` / `svg\`` starts at `i` (and not `foo.html\``). */
function templateTagAt(source, i) {
  for (const tag of TAGS) {
    if (!source.startsWith(`${tag}\``, i)) continue;
    const before = source[i - 1];
    if (before === undefined || !/[\w$.]/.test(before)) return tag;
  }
  return undefined;
}

/**
 * Reads a template literal's body from `start` (just after the backtick): the static parts go
 * through `minify`, `${…}` expressions are copied (their own templates minified). Returns the
 * new body and the index after the closing backtick.
 */
function readTemplate(source, start, minify) {
  let text = '';
  let part = '';
  let i = start;
  while (i < source.length) {
    const c = source[i];
    if (c === '\\') {
      part += source.slice(i, i + 2);
      i += 2;
    } else if (c === '`') {
      return { text: text + minify(part), end: i + 1 };
    } else if (c === '$' && source[i + 1] === '{') {
      text += minify(part);
      part = '';
      const end = expressionEnd(source, i + 2);
      text += `\${${minifyTemplates(source.slice(i + 2, end))}}`;
      i = end + 1;
    } else {
      part += c;
      i++;
    }
  }
  throw new Error('minify-templates: unterminated template literal');
}

/** The index of the `}` closing an expression that starts at `i`. */
function expressionEnd(source, i) {
  let depth = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
    i = c === '{' || c === '}' ? i + 1 : skipToken(source, i);
  }
  throw new Error('minify-templates: unterminated ${ expression');
}

/** The index after the token at `i`: a string, a template literal, a comment, or one character. */
function skipToken(source, i) {
  const c = source[i];
  if (c === '"' || c === "'") {
    let j = i + 1;
    while (j < source.length && source[j] !== c) j += source[j] === '\\' ? 2 : 1;
    return j + 1;
  }
  if (c === '`') {
    let j = i + 1;
    while (j < source.length && source[j] !== '`') {
      if (source[j] === '\\') j += 2;
      else if (source[j] === '$' && source[j + 1] === '{') j = expressionEnd(source, j + 2) + 1;
      else j++;
    }
    return j + 1;
  }
  if (c === '/' && source[i + 1] === '/') {
    const end = source.indexOf('\n', i);
    return end < 0 ? source.length : end;
  }
  if (c === '/' && source[i + 1] === '*') {
    const end = source.indexOf('*/', i + 2);
    return end < 0 ? source.length : end + 2;
  }
  return i + 1;
}

/** An esbuild plugin applying {@link minifyTemplates} to the components' modules. */
export function minifyTemplatesPlugin({ filter = /[\\/]src[\\/]components[\\/].*\.ts$/ } = {}) {
  return {
    name: 'minify-templates',
    setup(build) {
      build.onLoad({ filter }, async (args) => ({
        contents: minifyTemplates(await readFile(args.path, 'utf8')),
        loader: 'ts',
      }));
    },
  };
}
