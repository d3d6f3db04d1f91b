/**
 * The dashboard's study header (name, status, progress, and those of max params, best trial and
 * search space that the study has) and the placeholders shown instead of a study: templates only.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { Study } from '../../protocol/index.js';
import { formatNumber, trialLabel } from '../internal/format.js';
import type { StudySummary } from '../internal/study-summary.js';

/**
 * The header of `study`; clicking the best trial calls `selectTrial` with its id. `actions` (e.g.
 * the Copy link button) sit at the end of the title row.
 */
export function studyHeader(
  study: Study,
  summary: StudySummary,
  selectTrial: (trialId: string) => void,
  actions: TemplateResult | typeof nothing = nothing,
): TemplateResult {
  const target = study.targetTrials;
  const best = summary.best;
  return html`<header class="header" part="header">
    <div class="title">
      <h2>${study.name}</h2>
      <span class="status" data-status=${study.status}>${study.status}</span>
      ${actions}
    </div>
    <dl class="facts">
      <div>
        <dt>Trials done</dt>
        <dd>${summary.done}${target ? html` of ${target}` : nothing}${summary.running ? html` <span class="muted">(${summary.running} running)</span>` : nothing}</dd>
      </div>
      ${study.maxParams === undefined ? nothing : html`<div><dt>Params per trial</dt><dd>max ${study.maxParams}</dd></div>`}
      ${
        best
          ? html`<div>
            <dt>Best trial</dt>
            <dd>
              <button class="link" title=${trialLabel(best.trial)} @click=${() => selectTrial(best.trial.id)}>${trialLabel(best.trial)}</button>
              <span class="mono">${study.objective?.metric} ${formatNumber(best.value)}</span>
              <span class="muted">(${study.objective?.direction})</span>
            </dd>
          </div>`
          : nothing
      }
      ${study.searchSpace ? html`<div class="space"><dt>Search space</dt><dd class="mono">${study.searchSpace}</dd></div>` : nothing}
    </dl>
  </header>`;
}

/** An empty state: what is missing, and what would fill it. */
export function empty(title: string, hint: string): TemplateResult {
  return html`<div class="empty" part="empty">
    <p class="empty-title">${title}</p>
    <p class="muted">${hint}</p>
  </div>`;
}

/** The page's shape, greyed, while the first data loads. */
export function skeleton(): TemplateResult {
  return html`<div class="skeleton" part="skeleton" role="status" aria-label="Loading trials">
    <div class="bone bone-title"></div>
    <div class="bone-row"><div class="bone"></div><div class="bone"></div><div class="bone"></div></div>
    <div class="bone-grid"><div class="bone bone-chart"></div><div class="bone bone-chart"></div></div>
    <div class="bone bone-table"></div>
  </div>`;
}
