/**
 * The chart as drawn, as a standalone SVG document built as text: grid, tick labels, the metric's
 * name, every curve (the same per-pixel reduction the canvas strokes, the faint raw curve behind a
 * smoothed one) and a legend. Every name goes through `escapeXml`, so a hostile trial or metric
 * name is text in the document, never markup.
 */
import { trialLabel } from '../internal/format.js';
import type { ChartKit } from './chart-kit.js';
import type { Frame } from './layout.js';
import type { ReducedPoints } from './m4.js';
import type { CanvasColors } from './paint.js';
import type { SeriesView } from './series-view.js';

/** What `chartSvg` draws: the last frame, its colours and curves, and the canvas size in CSS pixels. */
export interface SvgScene {
  readonly frame: Frame;
  readonly colors: CanvasColors;
  readonly views: readonly SeriesView[];
  readonly metric?: string;
  readonly width: number;
  readonly height: number;
}

/** Same as the canvas: normal width, the faint raw curve's opacity, and markers of sparse curves. */
const LINE_WIDTH = 1.5;
const RAW_ALPHA = 0.25;
const MARKER_RADIUS = 3;
const MARKER_SPACING = 16;
const LEGEND_ROW = 18;
/** A rough label width per character, to wrap legend entries (no text measuring in a string). */
const CHAR_WIDTH = 7;

/** Text safe in XML content and attribute values; characters XML forbids become U+FFFD. */
export function escapeXml(text: string): string {
  return text
    .replace(
      // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters XML forbids.
      /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
      '\uFFFD',
    )
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** The SVG document (UTF-8 text, no XML declaration needed) of `scene`. */
export function chartSvg(scene: SvgScene, { isSparse }: ChartKit): string {
  const { frame, colors, views, width } = scene;
  const dpr = frame.dpr;
  const plot = {
    left: frame.plot.left / dpr,
    top: frame.plot.top / dpr,
    width: frame.plot.width / dpr,
    height: frame.plot.height / dpr,
  };
  const legend = legendEntries(views, width, scene.height, colors.fg);
  const height = scene.height + legend.height;
  const font = escapeXml(colors.font);
  const bottom = plot.top + plot.height;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" style="font:${font}">`,
    `<title>${escapeXml(scene.metric ?? 'metrics')}</title>`,
    `<rect width="100%" height="100%" fill="${escapeXml(colors.bg)}"/>`,
    `<defs><clipPath id="plot"><rect x="${n(plot.left)}" y="${n(plot.top)}" width="${n(plot.width)}" height="${n(plot.height)}"/></clipPath></defs>`,
    `<g stroke="${escapeXml(colors.grid)}" stroke-width="1">`,
    ...frame.xTicks.map(
      (t) =>
        `<line x1="${n(plot.left + t.position)}" y1="${n(plot.top)}" x2="${n(plot.left + t.position)}" y2="${n(bottom)}"/>`,
    ),
    ...frame.yTicks.map(
      (t) =>
        `<line x1="${n(plot.left)}" y1="${n(plot.top + t.position)}" x2="${n(plot.left + plot.width)}" y2="${n(plot.top + t.position)}"/>`,
    ),
    '</g>',
    `<path d="M${n(plot.left)} ${n(plot.top)}V${n(bottom)}H${n(plot.left + plot.width)}" fill="none" stroke="${escapeXml(colors.border)}"/>`,
    `<g fill="${escapeXml(colors.muted)}">`,
    ...frame.yTicks.map(
      (t) =>
        `<text x="${n(plot.left - 6)}" y="${n(plot.top + t.position)}" text-anchor="end" dominant-baseline="middle">${escapeXml(t.label)}</text>`,
    ),
    ...frame.xTicks.map(
      (t) =>
        `<text x="${n(plot.left + t.position)}" y="${n(bottom + 6)}" text-anchor="middle" dominant-baseline="hanging">${escapeXml(t.label)}</text>`,
    ),
    '</g>',
    scene.metric === undefined
      ? ''
      : `<text x="${n(plot.left)}" y="${n(Math.max(12, plot.top - 6))}" fill="${escapeXml(colors.fg)}">${escapeXml(scene.metric)}</text>`,
    '<g clip-path="url(#plot)" fill="none" stroke-linejoin="round">',
    ...views.filter((v) => v.smoothing).map((v) => curve(v, v.rawReduced, frame, RAW_ALPHA, 1, isSparse)),
    ...views.map((v) => curve(v, v.reduced, frame, 1, LINE_WIDTH, isSparse)),
    '</g>',
    ...legend.items,
    '</svg>',
  ];
  return parts.join('\n');
}

/** One curve as a path: CSS pixels, broken at gaps, titled with the trial's name. */
function curve(
  view: SeriesView,
  points: ReducedPoints,
  frame: Frame,
  alpha: number,
  width: number,
  isSparse: ChartKit['isSparse'],
): string {
  const { dpr } = frame;
  const left = frame.plot.left / dpr;
  const top = frame.plot.top / dpr;
  // As on the canvas, a curve whose points are far apart (a single point, say) gets a marker at each.
  const markers = alpha === 1 && isSparse(points, MARKER_SPACING * dpr);
  let d = '';
  let dots = '';
  let open = false;
  for (let i = 0; i < points.length; i++) {
    const value = points.values[i];
    if (Number.isNaN(value)) {
      open = false;
      continue;
    }
    const x = n(left + points.px[i] / dpr);
    const y = n(top + frame.y(value));
    d += `${open ? 'L' : 'M'}${x} ${y}`;
    if (markers) dots += `<circle cx="${x}" cy="${y}" r="${MARKER_RADIUS}"/>`;
    open = true;
  }
  if (!d) return '';
  const color = escapeXml(view.style.color);
  const dash = view.style.dash.length ? ` stroke-dasharray="${view.style.dash.join(' ')}"` : '';
  const opacity = alpha < 1 ? ` stroke-opacity="${alpha}"` : '';
  const title = `<title>${escapeXml(nameOf(view))}</title>`;
  const path = `<path d="${d}" stroke="${color}" stroke-width="${width}"${dash}${opacity}>${title}</path>`;
  return dots ? `${path}<g fill="${color}" stroke="none">${dots}${title}</g>` : path;
}

/** Legend entries wrapped in rows under the chart, from `top` down. */
function legendEntries(
  views: readonly SeriesView[],
  width: number,
  top: number,
  color: string,
): { items: string[]; height: number } {
  const items: string[] = [];
  let x = 8;
  let row = 0;
  for (const view of views) {
    const label = nameOf(view);
    const w = 22 + Math.min(label.length, 40) * CHAR_WIDTH + 12;
    if (x + w > width && x > 8) {
      x = 8;
      row++;
    }
    const y = n(top + row * LEGEND_ROW + LEGEND_ROW / 2);
    items.push(
      `<g transform="translate(${x} 0)"><line x1="0" x2="16" y1="${y}" y2="${y}" stroke="${escapeXml(view.style.color)}" stroke-width="3"/><text x="22" y="${y}" fill="${escapeXml(color)}" dominant-baseline="middle">${escapeXml(label)}</text></g>`,
    );
    x += w;
  }
  return { items, height: views.length ? (row + 1) * LEGEND_ROW + 4 : 0 };
}

/** The legend's label: the trial's name, or its number and id when it has none. */
function nameOf(view: SeriesView): string {
  return view.trial.name ? trialLabel(view.trial) : `${trialLabel(view.trial)} ${view.trial.id}`;
}

/** A coordinate with two decimals: plenty at CSS-pixel scale, and short. */
function n(value: number): string {
  return String(Math.round(value * 100) / 100);
}
