/**
 * The dashboard's Analysis panel: the metric the views analyse and the views themselves (parallel
 * coordinates, param importance, history and slices). This module and the views' code load the
 * first time the Analysis tab opens (see `lazy-part.ts`). Listeners run with the dashboard as
 * `this`, as Lit binds them to the element that renders.
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import type { TrialStore } from '../../client/index.js';
import type { Study } from '../../protocol/index.js';
import { directionOf } from '../analysis/analysis-data.js';
import { defineAnalysisViews } from '../analysis/define-views.js';
import type { TrialFilterChangeEvent } from '../events/trial-filter-change-event.js';
import type { TrialHoverEvent } from '../events/trial-hover-event.js';
import type { TrialSelectEvent } from '../events/trial-select-event.js';
import type { TrialFilters } from '../trial-table/filter.js';

/**
 * The metric the History view plots the analysed one against (its Pareto front), by study: the
 * user's pick, kept while the page lives; '' for none.
 */
const againstPicked = new Map<string, string>();

/**
 * What History plots against by default: an Optuna multi-objective study's second value (the
 * callback logs `value_0`, `value_1`…) when the first is analysed; else nothing.
 */
function againstByDefault(keys: readonly string[], analysed: string | undefined): string {
  return analysed === 'value_0' && keys.includes('value_1') ? 'value_1' : '';
}

/** What the Analysis view shows and does. */
export interface AnalysisViewOptions {
  readonly store: TrialStore;
  readonly study: Study;
  /** The study's metric keys. */
  readonly keys: readonly string[];
  /** The metric picked; undefined: the study's objective. */
  readonly metric?: string;
  readonly selected: readonly string[];
  readonly hovered?: string;
  readonly filters: TrialFilters;
  readonly theme?: 'light' | 'dark';
  readonly pickMetric: (metric: string | undefined) => void;
  readonly filterChange: (event: TrialFilterChangeEvent) => void;
  readonly hover: (event: TrialHoverEvent) => void;
  readonly select: (event: TrialSelectEvent) => void;
}

export function analysisView(options: AnalysisViewOptions): TemplateResult {
  defineAnalysisViews();
  const { store, study, keys, metric, selected, hovered, filters, theme } = options;
  const objective = study.objective?.metric;
  const onPick = (event: Event) => {
    const value = (event.target as HTMLSelectElement).value;
    options.pickMetric(value === '' ? undefined : value);
  };
  const analysed = metric ?? objective;
  const picked = againstPicked.get(study.id) ?? againstByDefault(keys, analysed);
  const against = picked === analysed ? '' : picked;
  const pickAgainst = function (this: { requestUpdate(): void }, event: Event) {
    againstPicked.set(study.id, (event.target as HTMLSelectElement).value);
    this.requestUpdate();
  };
  const views = (tag: 'parallel-coords' | 'param-importance' | 'history' | 'slice-plot') => {
    const on = { filter: options.filterChange, hover: options.hover, select: options.select };
    switch (tag) {
      case 'parallel-coords':
        return html`<trial-parallel-coords part="parallel-coords" theme=${theme ?? nothing} .store=${store} .study=${study.id} .metric=${metric} .selected=${selected} .hovered=${hovered} .filters=${filters} @trial-filter-change=${on.filter} @trial-hover=${on.hover} @trial-select=${on.select}></trial-parallel-coords>`;
      case 'param-importance':
        return html`<trial-param-importance part="param-importance" theme=${theme ?? nothing} .store=${store} .study=${study.id} .metric=${metric} .filters=${filters}></trial-param-importance>`;
      case 'history':
        return html`<trial-history part="history" theme=${theme ?? nothing} .store=${store} .study=${study.id} .metric=${metric} .secondMetric=${against || undefined} .secondDirection=${directionOf(study, against)} .selected=${selected} .hovered=${hovered} .filters=${filters} @trial-hover=${on.hover} @trial-select=${on.select}></trial-history>`;
      default:
        return html`<trial-slice-plot part="slice-plot" theme=${theme ?? nothing} .store=${store} .study=${study.id} .metric=${metric} .selected=${selected} .hovered=${hovered} .filters=${filters} @trial-hover=${on.hover} @trial-select=${on.select}></trial-slice-plot>`;
    }
  };
  return html`<div class="analysis" part="analysis">
    <label class="analysis-metric">
      <span>Analyse</span>
      <select @change=${onPick}>
        ${objective ? html`<option value="" ?selected=${!metric}>${objective} (objective)</option>` : html`<option value="" ?selected=${!metric}>Choose a metric</option>`}
        ${keys
          .filter((key) => key !== objective)
          .map((key) => html`<option value=${key} ?selected=${metric === key}>${key}</option>`)}
      </select>
    </label>
    <section class="analysis-card wide" aria-label="Parallel coordinates">
      <h3>Parallel coordinates <span class="muted small">drag on an axis to filter</span></h3>
      ${views('parallel-coords')}
    </section>
    <div class="analysis-pair">
      <section class="analysis-card" aria-label="Parameter importance"><h3>Importance</h3>${views('param-importance')}</section>
      <section class="analysis-card" aria-label="Optimisation history">
        <h3>History
          <label class="against muted small">against
            <select @change=${pickAgainst} aria-label="Plot against another metric (its Pareto front)">
              <option value="" ?selected=${!against}>trial number</option>
              ${keys
                .filter((key) => key !== analysed)
                .map((key) => html`<option value=${key} ?selected=${against === key}>${key}</option>`)}
            </select>
          </label>
        </h3>
        ${views('history')}
      </section>
    </div>
    <section class="analysis-card wide" aria-label="Slices"><h3>Slices</h3>${views('slice-plot')}</section>
  </div>`;
}

/** Adopted by the dashboard when this module loads. */
export const styles = css`
  .analysis {
    display: grid;
    gap: 12px;
    min-width: 0;
  }
  .analysis-metric {
    display: flex;
    align-items: center;
    gap: 8px;
    color: var(--_muted);
  }
  .against {
    font-weight: normal;
    margin-left: 8px;
  }
  .analysis-metric select,
  .against select {
    font: inherit;
    color: var(--_fg);
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 2px 6px;
  }
  .analysis-pair {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 360px), 1fr));
    gap: 12px;
  }
  .analysis-card {
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 8px;
    min-width: 0;
  }
  .analysis-card h3 {
    font-size: 1em;
    margin: 0 0 6px 4px;
  }
`;
