/**
 * The one token set every trialkit component reads. Hosts theme all components at once by
 * setting these custom properties on any ancestor (they inherit through shadow roots), or pick a
 * scheme with `theme="dark"` / `theme="light"` on an element; without either, the OS preference wins.
 */
import { css } from 'lit';

/** The dark scheme's defaults, used by the OS preference and by `theme="dark"`. */
const darkTokens = css`
  --_bg: var(--trialkit-bg, #111418);
  --_surface: var(--trialkit-surface, #191d23);
  --_fg: var(--trialkit-fg, #e6e9ee);
  --_muted: var(--trialkit-muted, #9aa4b2);
  --_border: var(--trialkit-border, #2c323b);
  --_grid: var(--trialkit-grid, #232830);
  --_accent: var(--trialkit-accent, #6ea1ff);
  --_accent-fg: var(--trialkit-accent-fg, #0b1020);
  --_selection: var(--trialkit-selection, rgba(110, 161, 255, 0.18));
  --_focus: var(--trialkit-focus, #6ea1ff);
  --_danger: var(--trialkit-danger, #ff6b6b);
  --_status-running: var(--trialkit-status-running, #6ea1ff);
  --_status-succeeded: var(--trialkit-status-succeeded, #5cc26a);
  --_status-failed: var(--trialkit-status-failed, #ff6b6b);
  --_status-pruned: var(--trialkit-status-pruned, #f0a840);
  --_status-cancelled: var(--trialkit-status-cancelled, #9aa4b2);
  --_status-pending: var(--trialkit-status-pending, #7d8796);
  color-scheme: dark;
`;

export const themeTokens = css`
  :host {
    --_bg: var(--trialkit-bg, #ffffff);
    --_surface: var(--trialkit-surface, #f6f7f9);
    --_fg: var(--trialkit-fg, #1b1f24);
    --_muted: var(--trialkit-muted, #5b6470);
    --_border: var(--trialkit-border, #d6dae0);
    --_grid: var(--trialkit-grid, #e8ebef);
    --_accent: var(--trialkit-accent, #2563c9);
    --_accent-fg: var(--trialkit-accent-fg, #ffffff);
    --_selection: var(--trialkit-selection, rgba(47, 111, 222, 0.14));
    --_focus: var(--trialkit-focus, #2563c9);
    --_danger: var(--trialkit-danger, #c62828);
    --_status-running: var(--trialkit-status-running, #2563c9);
    --_status-succeeded: var(--trialkit-status-succeeded, #2e7d32);
    --_status-failed: var(--trialkit-status-failed, #c62828);
    --_status-pruned: var(--trialkit-status-pruned, #b26a00);
    --_status-cancelled: var(--trialkit-status-cancelled, #6b7280);
    --_status-pending: var(--trialkit-status-pending, #8a94a3);
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
