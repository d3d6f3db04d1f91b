/**
 * The dashboard's Analysis view: tabs switching the area above the table between the curves and
 * the analysis views (parallel coordinates, param importance, history and slices), the metric
 * they analyse, and the trials the table's filters keep (the charts emphasise them). The views'
 * code loads the first time the Analysis tab opens, so a page that never opens it never pays for it.
 * Listeners run with the dashboard as `this`, as Lit binds them to the element that renders.
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import type { TrialStore } from '../../client/index.js';
import type { Study } from '../../protocol/index.js';
import type { TrialFilterChangeEvent } from '../events/trial-filter-change-event.js';
import type { TrialHoverEvent } from '../events/trial-hover-event.js';
import type { TrialSelectEvent } from '../events/trial-select-event.js';
import { compileFilter, isEmptyFilter, searchTextOf, type TrialFilters } from '../trial-table/filter.js';

/** Which view the area above the table shows. */
export const MainView = { curves: 'curves', analysis: 'analysis' } as const;
export type MainView = (typeof MainView)[keyof typeof MainView];

let loading: Promise<void> | undefined;

/** Defines the analysis views' elements, loading their code once. */
export function loadAnalysisViews(): Promise<void> {
  loading ??= import('../analysis/define-views.js').then((m) => m.defineAnalysisViews());
  return loading;
}

/** The Curves / Analysis tabs. Arrow keys move between them, as in any tab list. */
export function viewTabs(shown: MainView, show: (view: MainView) => void): TemplateResult {
  const tab = (view: MainView, label: string) => html`<button
    role="tab"
    id="tab-${view}"
    aria-selected=${shown === view ? 'true' : 'false'}
    aria-controls="panel-${view}"
    tabindex=${shown === view ? 0 : -1}
    @click=${() => show(view)}
  >${label}</button>`;
  const onKey = (event: KeyboardEvent) => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    const next = shown === MainView.curves ? MainView.analysis : MainView.curves;
    show(next);
    const tabs = event.currentTarget as HTMLElement;
    void Promise.resolve().then(() => tabs.querySelector<HTMLElement>(`#tab-${next}`)?.focus());
  };
  return html`<div class="view-tabs" part="view-tabs" role="tablist" aria-label="View" @keydown=${onKey}>
    ${tab(MainView.curves, 'Curves')} ${tab(MainView.analysis, 'Analysis')}
  </div>`;
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
  void loadAnalysisViews();
  const { store, study, keys, metric, selected, hovered, filters, theme } = options;
  const objective = study.objective?.metric;
  const onPick = (event: Event) => {
    const value = (event.target as HTMLSelectElement).value;
    options.pickMetric(value === '' ? undefined : value);
  };
  const views = (tag: 'parallel-coords' | 'param-importance' | 'history' | 'slice-plot') => {
    const on = { filter: options.filterChange, hover: options.hover, select: options.select };
    switch (tag) {
      case 'parallel-coords':
        return html`<trial-parallel-coords part="parallel-coords" theme=${theme ?? nothing} .store=${store} .study=${study.id} .metric=${metric} .selected=${selected} .hovered=${hovered} .filters=${filters} @trial-filter-change=${on.filter} @trial-hover=${on.hover} @trial-select=${on.select}></trial-parallel-coords>`;
      case 'param-importance':
        return html`<trial-param-importance part="param-importance" theme=${theme ?? nothing} .store=${store} .study=${study.id} .metric=${metric} .filters=${filters}></trial-param-importance>`;
      case 'history':
        return html`<trial-history part="history" theme=${theme ?? nothing} .store=${store} .study=${study.id} .metric=${metric} .selected=${selected} .hovered=${hovered} .filters=${filters} @trial-hover=${on.hover} @trial-select=${on.select}></trial-history>`;
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
      <section class="analysis-card" aria-label="Optimisation history"><h3>History</h3>${views('history')}</section>
    </div>
    <section class="analysis-card wide" aria-label="Slices"><h3>Slices</h3>${views('slice-plot')}</section>
  </div>`;
}

/**
 * The ids of the study's trials `filters` keep (the table's own predicate; metric ranges read the
 * last value, as the table shows by default); undefined when the filters keep every trial.
 */
export function filteredIds(store: TrialStore, studyId: string, filters: TrialFilters): string[] | undefined {
  if (isEmptyFilter(filters)) return undefined;
  const trials = store.trialsOf(studyId);
  const test = compileFilter(filters, {
    trial: (i) => trials[i],
    metric: (key) => Float64Array.from(trials, (t) => store.lastValue(t.id, key) ?? Number.NaN),
    searchText: (i) => searchTextOf(trials[i]),
  });
  return test ? trials.filter((_, i) => test(i)).map((t) => t.id) : undefined;
}

export const analysisPanelStyles = css`
  .view-tabs {
    display: flex;
    gap: 4px;
    border-bottom: 1px solid var(--_border);
  }
  .view-tabs [role='tab'] {
    font: inherit;
    color: var(--_muted);
    background: none;
    border: none;
    border-bottom: 2px solid transparent;
    padding: 6px 12px;
    cursor: pointer;
  }
  .view-tabs [role='tab'][aria-selected='true'] {
    color: var(--_fg);
    border-bottom-color: var(--_accent);
    font-weight: 600;
  }
  .view-tabs [role='tab']:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: -2px;
  }
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
  .analysis-metric select {
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
