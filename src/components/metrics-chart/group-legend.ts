/** The HTML of grouped curves: the legend of groups and the tooltip of their values under the pointer. */
import { html, nothing, type TemplateResult } from 'lit';
import { formatNumber } from '../internal/format.js';
import type { ChartKit } from './chart-kit.js';
import type { GroupBand, GroupCurve, GroupStat } from './group-options.js';
import type { Frame } from './layout.js';
import type { OverlayScene } from './paint.js';
import type { XAxisSpec } from './scales.js';
import { tooltipPlace } from './tooltip.js';

/** The legend while curves are grouped: one entry per group, its value and how many trials it holds. */
export function groupLegend(
  groups: readonly GroupCurve[],
  key: string,
  { lineSwatch }: ChartKit,
): TemplateResult | typeof nothing {
  if (groups.length === 0) return nothing;
  return html`<ul part="legend" class="legend" aria-label=${`Groups by ${key}`}>
    ${groups.map(
      (group) => html`<li part="legend-group" class="legend-group">
        ${lineSwatch(group.color, [])}<span>${key} = ${group.value}</span><span class="sr-only">,</span>
        <span class="id">${group.views.length} trial${group.views.length === 1 ? '' : 's'}</span>
      </li>`,
    )}
  </ul>`;
}

/** Columns either side of the pointer searched for a group's nearest value. */
const GROUP_REACH = 8;

/** The groups' line and band under the pointer: the nearest column with a value, per group. */
export function groupTooltip(
  frame: Frame | undefined,
  pointer: OverlayScene['pointer'],
  groups: readonly GroupCurve[],
  key: string,
  stat: GroupStat,
  band: GroupBand,
  xAxis: XAxisSpec,
  kit: ChartKit,
): TemplateResult | typeof nothing {
  if (!frame || !pointer || groups.length === 0) return nothing;
  const column = Math.floor(pointer.left * frame.dpr);
  const rows = groups.flatMap((group) => {
    for (let d = 0; d <= GROUP_REACH * frame.dpr; d++) {
      for (const c of [column - d, column + d]) {
        if (Number.isFinite(group.line[c])) return [{ group, c }];
      }
    }
    return [];
  });
  if (rows.length === 0) return nothing;
  const x = frame.x.invert((column + 0.5) / frame.dpr);
  const bandText = (g: GroupCurve, c: number) =>
    band === 'none'
      ? ''
      : ` (${band === 'std' ? '±1 sd' : 'range'} ${formatNumber(g.low[c])} – ${formatNumber(g.high[c])})`;
  return html`<div part="tooltip" class="tooltip" role="status" style=${tooltipPlace(frame, pointer, kit)}>
    <div class="tooltip-title">${stat} by ${key} · ${xAxis.name} ${kit.formatX(xAxis.kind, +x)}</div>
    ${rows.map(
      ({ group, c }) => html`<div class="tooltip-row">
        ${kit.lineSwatch(group.color, [])}<span>${group.value} · ${group.count[c]}</span
        ><span class="value">${formatNumber(group.line[c])}${bandText(group, c)}</span>
      </div>`,
    )}
  </div>`;
}
