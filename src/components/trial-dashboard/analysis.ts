/**
 * The dashboard's tabs switching the area above the table between the curves and the Analysis
 * panel (`analysis-panel.ts`, loaded with the analysis views the first time the tab opens, so a
 * page that never opens it never pays for it), and the trials the table's filters keep (the charts
 * emphasise them).
 */
import { css, html, type TemplateResult } from 'lit';
import type { TrialStore } from '../../client/index.js';
import { compileFilter, isEmptyFilter, searchTextOf, type TrialFilters } from '../trial-table/filter.js';

/** Which view the area above the table shows. */
export const MainView = { curves: 'curves', analysis: 'analysis' } as const;
export type MainView = (typeof MainView)[keyof typeof MainView];

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

export const viewTabStyles = css`
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
`;
