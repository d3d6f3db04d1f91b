/**
 * The chart's HTML around the canvas: the legend of trials, the visually hidden table of latest
 * values for screen readers, the chart's accessible name and its messages (the hover tooltip is in
 * `tooltip.ts`). Templates only; the element owns the state.
 */
import { html, nothing, svg, type TemplateResult } from 'lit';
import type { TrialStore } from '../../client/index.js';
import { formatNumber, trialLabel } from '../internal/format.js';
import type { XAxisSpec } from './scales.js';
import type { SeriesView } from './series-view.js';

/** A short line in the trial's colour and dash. */
export function swatch(view: SeriesView): TemplateResult {
  return lineSwatch(view.style.color, view.style.dash);
}

export function lineSwatch(color: string, dash: readonly number[]): TemplateResult {
  return html`<svg class="swatch" width="18" height="8" aria-hidden="true">
    ${svg`<line x1="1" y1="4" x2="17" y2="4" stroke=${color} stroke-width="2"
      stroke-dasharray=${dash.length ? dash.map((d) => d / 2).join(' ') : 'none'} />`}
  </svg>`;
}

/**
 * What the legend reports back: hover (or focus) of an entry, clicks that pin a trial, the entry
 * that holds the legend's one tab stop after arrow keys moved it, and the search and "+N more".
 */
export interface LegendHandlers {
  onEnter(trialId: string | undefined): void;
  onClick(trialId: string): void;
  onMove(trialId: string): void;
  onQuery(query: string): void;
  onExpand(expanded: boolean): void;
}

/** What the legend shows besides the curves: pins, the flag, the tab stop, the search, the expansion. */
export interface LegendState {
  readonly pinned: ReadonlySet<string>;
  readonly highlightFlag?: string;
  readonly active?: string;
  readonly query: string;
  readonly expanded: boolean;
}

/**
 * Entries shown before "+N more": a legend of 200 trials is read by searching it, and laying out
 * 200 entries would cost the chart's first paint more than its curves.
 */
export const LEGEND_ROWS = 20;

/** Keys that move the legend's focus, and where to: a step back or forward, or to an end. */
const LEGEND_MOVES: Record<string, (index: number, count: number) => number> = {
  ArrowLeft: (i) => i - 1,
  ArrowUp: (i) => i - 1,
  ArrowRight: (i) => i + 1,
  ArrowDown: (i) => i + 1,
  Home: () => 0,
  End: (_, count) => count - 1,
};

/**
 * The legend's order: the trials best by their study's objective first (so the first twenty are
 * the ones worth reading), then those without a value, by number. Computed when the curves change,
 * not per render, so entries do not move under the pointer as values stream in.
 */
export function legendOrder(views: readonly SeriesView[], store: TrialStore | undefined): SeriesView[] {
  if (!store || views.length <= LEGEND_ROWS) return [...views];
  const score = new Map<SeriesView, number>();
  for (const view of views) {
    const objective = store.getStudy(view.trial.studyId)?.objective;
    if (!objective) continue;
    const best = store.bestValue(view.trial.id, objective.metric, objective.direction);
    if (best !== undefined && Number.isFinite(best))
      score.set(view, objective.direction === 'minimize' ? best : -best);
  }
  const ranked = (v: SeriesView) => score.get(v) ?? Number.POSITIVE_INFINITY;
  return [...views].sort((a, b) => ranked(a) - ranked(b) || a.trial.number - b.trial.number);
}

/** Whether a trial's legend entry matches a search (its label, name or id, ignoring case). */
function matches(view: SeriesView, query: string): boolean {
  const text = `${trialLabel(view.trial)} ${view.trial.name ?? ''} ${view.trial.id}`.toLowerCase();
  return text.includes(query.trim().toLowerCase());
}

/**
 * The legend of trials: one tab stop (the `active` entry, else the first) and arrow keys, Home and
 * End inside it (roving tabindex), so a keyboard user passes 200 trials with one Tab. Past
 * `LEGEND_ROWS` trials it shows the first of `ordered`, a search box and "+N more".
 */
export function legend(
  ordered: readonly SeriesView[],
  state: LegendState,
  handlers: LegendHandlers,
): TemplateResult | typeof nothing {
  if (ordered.length === 0) return nothing;
  const { pinned, highlightFlag, active, query, expanded } = state;
  const large = ordered.length > LEGEND_ROWS;
  const found = query.trim() ? ordered.filter((view) => matches(view, query)) : ordered;
  const shown = expanded ? [...found] : found.slice(0, LEGEND_ROWS);
  // A pinned trial stays listed (its entry releases the pin) even when the cut would hide it.
  for (const view of found) if (pinned.has(view.trial.id) && !shown.includes(view)) shown.push(view);
  const hidden = found.length - shown.length;
  const tabStop = shown.some((v) => v.trial.id === active) ? active : shown[0]?.trial.id;
  const onKeyDown = (event: KeyboardEvent) => moveLegendFocus(event, handlers);
  return html`<div class="legend-box">
    ${
      large
        ? html`<input
          type="search"
          part="legend-search"
          class="legend-search"
          placeholder="Find a trial"
          aria-label="Find a trial in the legend"
          .value=${query}
          @input=${(event: Event) => handlers.onQuery((event.target as HTMLInputElement).value)}
        />`
        : nothing
    }
    <ul part="legend" class="legend" aria-label="Trials" @keydown=${onKeyDown}>
      ${shown.map((view) => legendEntry(view, view.trial.id === tabStop, pinned, highlightFlag, handlers))}
      ${
        hidden > 0 || (expanded && found.length > LEGEND_ROWS)
          ? html`<li>
            <button
              part="legend-more"
              class="legend-more"
              aria-expanded=${expanded ? 'true' : 'false'}
              @click=${() => handlers.onExpand(!expanded)}
            >
              ${expanded ? 'Show fewer' : `+${hidden} more`}
            </button>
          </li>`
          : nothing
      }
      ${found.length === 0 ? html`<li class="legend-none" role="status">No trial matches “${query}”</li>` : nothing}
    </ul>
  </div>`;
}

function legendEntry(
  view: SeriesView,
  tabStop: boolean,
  pinned: ReadonlySet<string>,
  highlightFlag: string | undefined,
  handlers: LegendHandlers,
): TemplateResult {
  const id = view.trial.id;
  return html`<li>
    <button
      part="legend-item"
      data-trial=${id}
      tabindex=${tabStop ? 0 : -1}
      aria-pressed=${pinned.has(id) ? 'true' : 'false'}
      title=${view.style.flagged ? `${id} (${highlightFlag})` : id}
      @pointerenter=${() => handlers.onEnter(id)}
      @pointerleave=${() => handlers.onEnter(undefined)}
      @focus=${() => handlers.onEnter(id)}
      @blur=${() => handlers.onEnter(undefined)}
      @click=${() => handlers.onClick(id)}
    >
      ${swatch(view)}<span>${trialLabel(view.trial)}</span>${view.trial.name ? nothing : html`<span class="id">${id}</span>`}
    </button>
  </li>`;
}

/** Moves the tab stop and focus to the entry a legend key points at (clamped to the ends). */
function moveLegendFocus(event: KeyboardEvent, handlers: LegendHandlers): void {
  const move = LEGEND_MOVES[event.key];
  const list = event.currentTarget as HTMLElement;
  const from = (event.target as HTMLElement).closest('button');
  if (!move || !from) return;
  const buttons = [...list.querySelectorAll<HTMLButtonElement>('button[data-trial]')];
  const index = Math.max(0, Math.min(buttons.length - 1, move(buttons.indexOf(from), buttons.length)));
  const to = buttons[index];
  event.preventDefault();
  if (to === from) return;
  from.tabIndex = -1;
  to.tabIndex = 0;
  to.focus();
  handlers.onMove(to.dataset.trial!);
}

/** A visually hidden table of each trial's latest value, for screen readers. */
export function latestValues(
  views: readonly SeriesView[],
  metric: string | undefined,
): TemplateResult | typeof nothing {
  if (views.length === 0) return nothing;
  // In a hidden box: a table takes the width of its longest name whatever its own width says,
  // and would widen the page.
  return html`<div class="sr-only"><table>
    <caption>
      Latest ${metric} per trial
    </caption>
    <thead>
      <tr><th scope="col">Trial</th><th scope="col">Step</th><th scope="col">${metric}</th></tr>
    </thead>
    <tbody>
      ${views.map((view) => {
        const s = view.series;
        return html`<tr>
          <th scope="row">${`${trialLabel(view.trial)}, ${view.trial.id}`}</th>
          <td>${s.lastStep ?? ''}</td>
          <td>${s.last === undefined ? '' : formatNumber(s.last)}</td>
        </tr>`;
      })}
    </tbody>
  </table></div>`;
}

/** The chart's accessible name: what it plots, against what, for how many trials. */
export function chartLabel(
  metricKey: string | undefined,
  trials: number,
  xAxis: XAxisSpec,
  zoomed: boolean,
  groupedBy?: string,
): string {
  const metric = metricKey ?? 'no metric';
  const zoom = zoomed ? ', zoomed' : '';
  const grouped = groupedBy ? `, grouped by ${groupedBy}` : '';
  return `Line chart of ${metric} by ${xAxis.name} for ${trials} trial${trials === 1 ? '' : 's'}${grouped}${zoom}`;
}

/** The loading or empty message, or undefined when there is something to draw. */
export function stateMessage(
  store: TrialStore | undefined,
  metricKey: string | undefined,
  views: readonly SeriesView[],
  waiting = false,
): string | undefined {
  if (!store) return 'No data source';
  if (!store.loaded) return 'Loading…';
  if (metricKey === undefined) return 'No metrics logged yet';
  if (!views.some((v) => v.length > 0)) return waiting ? 'Loading…' : `No data for ${metricKey}`;
  return undefined;
}
