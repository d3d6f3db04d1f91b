/**
 * The one token set every trialkit component reads. Hosts theme all components at once by
 * setting these custom properties on any ancestor (they inherit through shadow roots), or pick a
 * scheme with `theme="dark"` / `theme="light"` on an element; without either, the OS preference wins.
 */
import { css, unsafeCSS } from 'lit';

/**
 * The colours of each scheme, by token name: `--_<name>` reads `--trialkit-<name>`, else this value.
 * The one source of colours, for the styles and for what the chart paints on its canvas.
 */
export const THEME_COLORS = {
  light: {
    bg: '#ffffff',
    surface: '#f6f7f9',
    fg: '#1b1f24',
    muted: '#5b6470',
    border: '#d6dae0',
    grid: '#e8ebef',
    accent: '#2563c9',
    'accent-fg': '#ffffff',
    selection: 'rgba(47, 111, 222, 0.14)',
    focus: '#2563c9',
    danger: '#c62828',
    'status-running': '#2563c9',
    'status-succeeded': '#2e7d32',
    'status-failed': '#c62828',
    'status-pruned': '#a36100',
    'status-cancelled': '#6b7280',
    'status-pending': '#8a94a3',
  },
  dark: {
    bg: '#111418',
    surface: '#191d23',
    fg: '#e6e9ee',
    muted: '#9aa4b2',
    border: '#2c323b',
    grid: '#232830',
    accent: '#6ea1ff',
    'accent-fg': '#0b1020',
    selection: 'rgba(110, 161, 255, 0.18)',
    focus: '#6ea1ff',
    danger: '#ff6b6b',
    'status-running': '#6ea1ff',
    'status-succeeded': '#5cc26a',
    'status-failed': '#ff6b6b',
    'status-pruned': '#f0a840',
    'status-cancelled': '#9aa4b2',
    'status-pending': '#7d8796',
  },
} as const;

/** A colour token's name, e.g. `accent` for `--_accent` / `--trialkit-accent`. */
export type ColorToken = keyof (typeof THEME_COLORS)['light'];

function colorDeclarations(colors: Readonly<Record<ColorToken, string>>) {
  return unsafeCSS(
    Object.entries(colors)
      .map(([name, value]) => `--_${name}: var(--trialkit-${name}, ${value});`)
      .join('\n'),
  );
}

/** The dark scheme's defaults, used by the OS preference and by `theme="dark"`. */
const darkTokens = css`
  ${colorDeclarations(THEME_COLORS.dark)}
  color-scheme: dark;
`;

export const themeTokens = css`
  :host {
    ${colorDeclarations(THEME_COLORS.light)}
    --_font: var(--trialkit-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_mono: var(--trialkit-mono, ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace);
    --_font-size: var(--trialkit-font-size, 13px);
    --_radius: var(--trialkit-radius, 6px);
    --_row-height: var(--trialkit-row-height, 32px);
    color-scheme: light;
    font-family: var(--_font);
    font-size: var(--_font-size);
    color: var(--_fg);
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${darkTokens}
    }
  }
  :host([theme='dark']) {
    ${darkTokens}
  }
  /* Forced colours drop the backgrounds that mark what is selected, pressed or checked. */
  @media (forced-colors: active) {
    [aria-selected='true'],
    [aria-pressed='true'],
    :checked + span {
      outline: 2px solid Highlight;
      outline-offset: -2px;
    }
  }
`;

/** `.sr-only`: text for screen readers, kept out of sight. Every component includes it with the tokens. */
export const srOnlyStyles = css`
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;

/**
 * Series colours: ten hues that stay apart on light and dark backgrounds and for the common
 * colour-vision deficiencies. Past ten trials colours repeat with a dash pattern (see `trialStyle`).
 */
export const SERIES_PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
] as const;

/** Dash patterns for the second, third, … round through the palette. */
const DASHES: readonly (readonly number[])[] = [[], [6, 3], [2, 3], [8, 3, 2, 3]];

/** The colour and dash of the n-th trial drawn (stable for a given index). */
export function trialStyle(index: number): { color: string; dash: readonly number[] } {
  const color = SERIES_PALETTE[index % SERIES_PALETTE.length];
  const dash = DASHES[Math.floor(index / SERIES_PALETTE.length) % DASHES.length];
  return { color, dash };
}
