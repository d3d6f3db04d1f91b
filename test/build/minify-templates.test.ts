// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are source text for the minifier.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { minifyCss, minifyMarkup, minifyTemplates } from '../../scripts/minify-templates.mjs';

/** Every module under src/components (not tests). */
function componentFiles(dir = 'src/components'): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? componentFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The module with its template text blanked, so only code is left to compare. */
function codeOnly(source: string): string {
  return source.replace(/(css|html|svg)`[\s\S]*?`/g, '$1``').replace(/\s+/g, ' ');
}

describe('minifyCss', () => {
  it('drops comments and the whitespace CSS does not need', () => {
    expect(
      minifyCss(
        ':host {\n  display: block; /* why */\n  margin: 0 auto;\n}\n.a > .b,\n.c :hover { color: red; }\n',
      ),
    ).toBe(':host{display:block;margin:0 auto}.a > .b,.c :hover{color:red}');
  });
  it('keeps media features and values with inner spaces readable', () => {
    expect(minifyCss('@media (min-width: 40rem) {\n  .a { border: 1px solid var(--x, red); }\n}')).toBe(
      '@media (min-width:40rem){.a{border:1px solid var(--x,red)}}',
    );
  });
});

describe('minifyMarkup', () => {
  it('turns line-spanning whitespace into one space and leaves the rest', () => {
    expect(minifyMarkup('<p>\n    a  b\n  </p>\n  <span>c</span>')).toBe('<p> a  b </p> <span>c</span>');
  });
});

describe('minifyTemplates', () => {
  it('minifies template text, not expressions or other strings', () => {
    const source = [
      "const s = 'a\\n   b';",
      'const t = css`\n  .a {\n    color: ${unsafeCSS(c)};\n  }\n`;',
      'const h = html`<div\n   class="x">\n  ${items.map((i) => html`<li>\n  ${i} { }\n</li>`)}\n</div>`;',
      'const plain = `keep   ${x}\n  this`;',
      'const member = lit.html`not\n  ours`;',
    ].join('\n');
    expect(minifyTemplates(source)).toBe(
      [
        "const s = 'a\\n   b';",
        'const t = css`.a{color:${unsafeCSS(c)}}`;',
        'const h = html`<div class="x"> ${items.map((i) => html`<li> ${i} { } </li>`)} </div>`;',
        'const plain = `keep   ${x}\n  this`;',
        'const member = lit.html`not\n  ours`;',
      ].join('\n'),
    );
  });

  it('changes no code in any component module, only template text', () => {
    for (const file of componentFiles()) {
      const source = readFileSync(file, 'utf8');
      expect(codeOnly(minifyTemplates(source)), file).toBe(codeOnly(source));
    }
  });

  it('leaves every component module valid TypeScript', async () => {
    for (const file of componentFiles()) {
      const contents = minifyTemplates(readFileSync(file, 'utf8'));
      await expect(
        build({ stdin: { contents, loader: 'ts' }, write: false, logLevel: 'silent' }),
      ).resolves.toBeTruthy();
    }
  });
});
