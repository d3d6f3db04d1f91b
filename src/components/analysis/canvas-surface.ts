/**
 * What the analysis views' canvases share: sizing in device pixels with coordinates in CSS pixels,
 * the theme's colours read from the host's tokens, and whether the host is dark.
 */
import { THEME_COLORS } from '../internal/theme.js';

/** Sizes `canvas` to `width` × `height` CSS pixels at the device's pixel ratio; returns its context, scaled. */
export function sizeCanvas(
  canvas: HTMLCanvasElement,
  width: number,
  height: number,
): CanvasRenderingContext2D {
  const ratio = globalThis.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(width * ratio));
  const h = Math.max(1, Math.round(height * ratio));
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return ctx;
}

/** The theme colours a canvas paints with. */
export interface ViewColors {
  readonly fg: string;
  readonly muted: string;
  readonly grid: string;
  readonly border: string;
  readonly accent: string;
  readonly bg: string;
  readonly font: string;
  readonly dark: boolean;
}

/** Reads the host's resolved tokens (`--_fg`, …); light defaults before styles apply. */
export function readColors(host: Element, theme: 'light' | 'dark' | undefined): ViewColors {
  const style = getComputedStyle(host);
  const read = (name: keyof (typeof THEME_COLORS)['light']) =>
    style.getPropertyValue(`--_${name}`).trim() || THEME_COLORS.light[name];
  const dark =
    theme === 'dark' ||
    (theme === undefined &&
      typeof matchMedia === 'function' &&
      matchMedia('(prefers-color-scheme: dark)').matches);
  return {
    fg: read('fg'),
    muted: read('muted'),
    grid: read('grid'),
    border: read('border'),
    accent: read('accent'),
    bg: read('bg'),
    font: `${Math.round(Number.parseFloat(style.fontSize || '13') * 0.85)}px ${style.fontFamily || 'sans-serif'}`,
    dark,
  };
}
