/**
 * `<trial-param-importance>`: which hyperparameters matter for the objective, by fANOVA over a
 * random forest (as Optuna's `FanovaImportanceEvaluator`), computed in Web Workers and again as
 * trials finish, without holding the page.
 */
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { TrialStore } from '../../client/index.js';
import { analysisStyles } from '../analysis/analysis.styles.js';
import { AnalysisController } from '../analysis/analysis-controller.js';
import { type AnalysisData, count, leftOutNotes } from '../analysis/analysis-data.js';
import { leftOutDetails } from '../analysis/notes.js';
import { defineElement } from '../internal/define-element.js';
import { srOnlyStyles, themeTokens } from '../internal/theme.js';
import type { TrialFilters } from '../trial-table/filter.js';
import { importanceInput } from './importance-input.js';
import type { ImportanceInput, ImportanceResult } from './importance-types.js';
import { computeImportanceOffThread, type ImportanceVenue } from './importance-worker.js';
import { paramImportanceStyles } from './param-importance.styles.js';

/** While trials keep finishing, at most one computation starts in this long (ms). */
export const RECOMPUTE_INTERVAL_MS = 1_500;
/** A change waits this long for the next before a computation starts (a burst, a brush settling). */
const SETTLE_MS = 150;

/** What to compute: the forest's input for the trials now analysed, and what was left out. */
interface Request {
  readonly key: string;
  readonly input: ImportanceInput;
  readonly notes: readonly string[];
  /** Why nothing can be ranked (no params, under two trials, a constant objective); else undefined. */
  readonly unrankable?: string;
  /** Trials the filters keep, when they leave some out. */
  readonly kept?: number;
}

/** A computed ranking and the request it answers. */
interface Shown {
  readonly request: Request;
  readonly result: ImportanceResult;
  readonly venue: ImportanceVenue;
  /** Workers that shared the forest (0 in the page). */
  readonly workers: number;
}

/**
 * The importance of each hyperparameter for the objective: the share of the objective's variance
 * the param explains on its own (its main effect), read by fANOVA from a random forest of 64 trees
 * fitted to the finished trials, as Optuna's `FanovaImportanceEvaluator`. Most important first, each
 * with its share and a whisker of ± its standard error over the trees. Computed in Web Workers (in the
 * page, after yielding, where a Content-Security-Policy forbids `blob:` workers); while trials
 * finish it recomputes at most every 1.5 s and keeps the last ranking shown, dimmed. With
 * `filters`, it ranks over the trials they keep once the filters settle.
 *
 * @tag trial-param-importance
 * @summary Which hyperparameters matter for the objective (fANOVA), computed off the main thread.
 *
 * @csspart summary - The line above the ranking.
 * @csspart list - The ranking (an ordered list).
 * @csspart item - One param's row.
 * @csspart bar - A param's bar.
 * @csspart value - A param's share, as text.
 * @csspart method - The method, trees and trials, with an explanation.
 * @csspart notes - What was left out and why.
 *
 * @cssproperty [--trialkit-importance-bar=var(--trialkit-accent)] - The bars' colour.
 * @cssproperty [--trialkit-importance-bar-height=12px] - The bars' thickness.
 */
export class ParamImportance extends LitElement {
  static override styles = [themeTokens, srOnlyStyles, analysisStyles, paramImportanceStyles];

  /** Registers `<trial-param-importance>` unless already registered. Idempotent. */
  static define(tag = 'trial-param-importance'): typeof ParamImportance {
    // biome-ignore lint/complexity/noThisInStatic: a subclass's define() registers the subclass.
    defineElement(tag, this);
    // biome-ignore lint/complexity/noThisInStatic: returns the class it was called on.
    return this;
  }

  /** The store to read trials from. */
  @property({ attribute: false }) store?: TrialStore;
  /** The study id. */
  @property() study?: string;
  /** The metric analysed; unset: the study's objective metric. */
  @property() metric?: string;
  /** The table's filters: the ranking is over the trials they keep. */
  @property({ attribute: false }) filters: TrialFilters = {};
  /** Trees in the forest (Optuna: 64). */
  @property({ type: Number }) trees = 64;
  /** Seed of the forest, so that the same trials give the same ranking. */
  @property({ type: Number }) seed = 0;
  /** `light` or `dark`; unset follows the OS. */
  @property({ reflect: true }) theme?: 'light' | 'dark';

  /** The ranking on screen; it stays while a newer one is computed. */
  @state() private shown?: Shown;
  /** A computation is running or due for newer trials than `shown` ranks. */
  @state() private updating = false;
  @state() private failure?: string;
  private latest?: Request;
  /** What `latest` was built from. */
  private requestFrom?: { data: AnalysisData; mask?: Uint8Array; trees: number; seed: number };
  private running = false;
  private lastStart = Number.NEGATIVE_INFINITY;
  private timer?: ReturnType<typeof setTimeout>;
  private readonly analysis = new AnalysisController(this, () => this);

  /** Where the ranking on screen was computed (`worker`, or `page` where no worker could start). */
  get venue(): ImportanceVenue | undefined {
    return this.shown?.venue;
  }

  /** The ranking on screen, most important first; undefined before the first one. */
  get result(): ImportanceResult | undefined {
    return this.shown?.result;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.timer);
  }

  protected override willUpdate(): void {
    const data = this.analysis.data;
    if (!data) return;
    // Every render passes here (its own busy state too): build the forest's input only when what
    // it is built from changed.
    const mask = this.analysis.keptBy(this.filters);
    const from = this.requestFrom;
    if (from?.data === data && from.mask === mask && from.trees === this.trees && from.seed === this.seed)
      return;
    this.requestFrom = { data, mask, trees: this.trees, seed: this.seed };
    const request = this.requestFor(data, mask);
    if (request.key === this.latest?.key) return;
    this.latest = request;
    if (request.unrankable || request.key === this.shown?.request.key) return;
    this.updating = true;
    this.schedule();
  }

  protected override render(): TemplateResult {
    const data = this.analysis.data;
    if (!this.store || !this.study) return html`<p class="empty" part="summary">No study chosen.</p>`;
    if (!data)
      return html`<p class="empty" part="summary">No metric to analyse: the study has no objective; pick a metric.</p>`;
    const request = this.latest!;
    const notes = [...leftOutNotes(data, { params: false }), ...request.notes];
    if (this.shown?.venue === 'page')
      notes.push('Computed in the page: it does not allow a Web Worker from a blob: URL (CSP worker-src).');
    if (!data.trials.length)
      return html`<p class="empty" part="summary">No finished trials yet.</p>${leftOutDetails(notes)}`;
    if (request.unrankable)
      return html`<p class="empty" part="summary">${request.unrankable}</p>${leftOutDetails(notes)}`;
    if (this.failure)
      return html`<p class="empty" part="summary" role="alert">Could not compute importance: ${this.failure}</p>`;
    const shown = this.shown;
    if (!shown)
      return html`<p class="empty" part="summary" aria-busy="true">
          Fitting a random forest to ${count(request.input.target.length, 'trial')}…
        </p>${leftOutDetails(notes)}`;
    const { result } = shown;
    const top = result.importances[0]?.importance || 1;
    const over = shown.request.kept === undefined ? '' : ' the filters keep';
    const where =
      shown.workers > 1 ? `in ${shown.workers} workers` : shown.workers ? 'in a worker' : 'in the page';
    // One binding: the space between two would be lost to the summary's accessible name.
    const took = `${seconds(result.ms)} ${where}`;
    return html`
      <p class="summary" part="summary">
        What ${data.metric} depends on: the share of its variance each param explains on its own, over
        ${count(result.trials, 'trial')}${over}.
        <span class="status" aria-hidden="true">${this.updating ? 'Updating…' : ''}</span>
      </p>
      <ol
        class="ranking ${this.updating ? 'updating' : ''}"
        part="list"
        aria-label="Param importance for ${data.metric}, most important first"
        aria-busy=${this.updating ? 'true' : 'false'}
      >
        ${result.importances.map((p) => {
          // The whisker: ± the standard error of the mean over the trees (how settled the share is).
          const error = p.spread / Math.sqrt(result.trees);
          const low = Math.max(0, p.importance - error);
          const high = Math.min(top, p.importance + error);
          return html`<li class="item" part="item">
            <span class="name" title=${p.name}>${p.name}</span>
            <span class="track" aria-hidden="true">
              <span class="bar" part="bar" style="width:${(100 * p.importance) / top}%"></span>
              ${error > 0 ? html`<span class="spread" style="left:${(100 * low) / top}%;width:${(100 * (high - low)) / top}%"></span>` : nothing}
            </span>
            <span class="value" part="value">${percent(p.importance)}<span class="sr-only">
                of the variance${error > 0 ? `, ± ${percent(error)}` : ''}</span
              ></span>
          </li>`;
        })}
      </ol>
      <details class="method" part="method">
        <summary>
          fANOVA · random forest of ${result.trees} trees · ${count(result.trials, 'trial')} ·
          ${took}
        </summary>
        <p>
          Each bar is the share of ${data.metric}'s variance over the search space that the param explains
          on its own (its main effect), read from a random forest fitted to the trials, as Optuna's
          FanovaImportanceEvaluator computes it; shares sum to 100 %. The whisker is ± the standard error
          over the trees: how settled each share is. What params explain only together (interactions) is not counted. Numeric params are
          taken in their own units within the search space's bounds, choices one column per value.
        </p>
      </details>
      ${leftOutDetails(notes)}
    `;
  }

  private requestFor(data: AnalysisData, mask: Uint8Array | undefined): Request {
    const { input, notes, unrankable } = importanceInput(data, mask);
    return {
      key: signature(input, this.trees, this.seed),
      input,
      notes,
      unrankable,
      kept: mask?.reduce((sum, v) => sum + v, 0),
    };
  }

  /** Starts a computation once changes settle, and no sooner than the interval after the last. */
  private schedule(): void {
    if (this.running) return; // it schedules again when it ends
    clearTimeout(this.timer);
    const wait = Math.max(SETTLE_MS, this.lastStart + RECOMPUTE_INTERVAL_MS - performance.now());
    this.timer = setTimeout(() => void this.compute(), wait);
  }

  private async compute(): Promise<void> {
    const request = this.latest;
    if (!request || request.unrankable || request.key === this.shown?.request.key || !this.isConnected) {
      this.updating = false;
      return;
    }
    this.running = true;
    this.lastStart = performance.now();
    try {
      const { result, venue, workers } = await computeImportanceOffThread(request.input, {
        trees: this.trees,
        seed: this.seed,
      });
      this.shown = { request, result, venue, workers };
      this.failure = undefined;
    } catch (error) {
      this.failure = error instanceof Error ? error.message : String(error);
    } finally {
      this.running = false;
      const stale = this.latest && !this.latest.unrankable && this.latest.key !== this.shown?.request.key;
      this.updating = Boolean(stale && !this.failure);
      if (this.updating) this.schedule();
    }
  }
}

/** What decides the ranking, cheaply: the rows' objective values and params, and the forest's settings. */
function signature(input: ImportanceInput, trees: number, seed: number): string {
  let hash = 0;
  const mix = (x: number) => {
    hash = Math.imul(hash ^ Math.round(x * 1e6), 2654435761) >>> 0;
  };
  input.target.forEach(mix);
  for (const p of input.params) {
    mix(p.low);
    mix(p.high);
    p.values.forEach(mix);
  }
  return `${input.params.map((p) => p.name).join('\u0000')}|${input.target.length}|${hash}|${trees}|${seed}`;
}

function percent(share: number): string {
  return `${(100 * share).toFixed(share < 0.1 ? 1 : 0)} %`;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.max(1, Math.round(ms))} ms` : `${(ms / 1000).toFixed(1)} s`;
}

declare global {
  interface HTMLElementTagNameMap {
    'trial-param-importance': ParamImportance;
  }
}
