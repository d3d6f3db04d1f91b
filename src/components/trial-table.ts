/**
 * `<trial-table>`: the trials of one study as an ARIA grid that stays smooth at 100,000 rows.
 * Sorting and filtering run on precomputed column keys (`table/trial-view.ts`), only the rows on
 * screen are in the DOM (`virtual-rows.ts`), and a live update re-renders the one row it touches.
 */
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { guard } from 'lit/directives/guard.js';
import { live } from 'lit/directives/live.js';
import { repeat } from 'lit/directives/repeat.js';
import type { StoreChange, TrialStore } from '../client/store.js';
import type { Study, Trial } from '../protocol/events.js';
import { StoreController } from './store-controller.js';
import {
  availableColumns,
  type ColumnContext,
  ColumnKind,
  columnValue,
  csvHeader,
  defaultColumnIds,
  durationOf,
  exportValue,
  learnParams,
  type MetricValue,
  mlflowRunUrl,
  type TableColumn,
} from './table/columns.js';
import { toCsv } from './table/csv.js';
import type { TrialFilters } from './table/filter.js';
import { applyForm, filterChips, filterForm } from './table/filter-form.js';
import { formatDuration, formatNumber, formatTime } from './table/format.js';
import { navigate } from './table/navigation.js';
import { type SortSpec, toggleSort } from './table/sort.js';
import { STATUS_ORDER, statusIcon, statusLabel } from './table/status.js';
import { TrialView } from './table/trial-view.js';
import { trialTableStyles } from './trial-table.styles.js';
import { VirtualRowsController } from './virtual-rows.js';

/** Raised when the user changes the selection (click, shift-click, ctrl/meta-click, keyboard). */
export class TrialSelectEvent extends Event {
  constructor(
    /** Every selected trial id, in display order for range selections. */
    readonly trialIds: readonly string[],
    /** The trial the user acted on. */
    readonly trial: Trial | undefined,
  ) {
    super('trial-select', { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'trial-select': TrialSelectEvent;
  }
  interface HTMLElementTagNameMap {
    'trial-table': TrialTable;
  }
}

type SelectMode = 'only' | 'toggle' | 'range';

/**
 * @tag trial-table
 * @summary The trials of a study: sortable, filterable, virtualized, exportable as CSV.
 *
 * @event trial-select - {TrialSelectEvent} The user changed the selection; `.trialIds`, `.trial`.
 *
 * @csspart toolbar - The bar above the grid (search, filters, column chooser, export).
 * @csspart search - The search field.
 * @csspart filter-chip - A status or flag filter toggle, or an active range/value filter (click removes it).
 * @csspart count - "n of m trials".
 * @csspart filter-menu - The "Add filter" form for metric ranges and param values (a `<details>`).
 * @csspart column-chooser - The column chooser (a `<details>`).
 * @csspart export-button - The CSV download button.
 * @csspart table - The grid (the scrolling element).
 * @csspart header - The header row group.
 * @csspart header-cell - A column header.
 * @csspart row - A trial row; selected rows also have the part `row-selected`.
 * @csspart cell - A cell.
 * @csspart flag - A flag chip in the flags column.
 * @csspart mlflow-link - The link to the trial's MLflow run.
 * @csspart empty - The message shown when no trial matches.
 *
 * @cssproperty --trialkit-table-height - The element's height (default 28rem); it needs one to scroll.
 * @cssproperty --trialkit-row-height - Row height (shared token).
 * @cssproperty --trialkit-bg - Background (shared token; see theme.ts for the rest of the set).
 * @cssproperty --trialkit-selection - Background of selected rows (shared token).
 * @cssproperty --trialkit-status-failed - Colour of a status (one property per status; shared tokens).
 */
export class TrialTable extends LitElement {
  static override styles = trialTableStyles;

  /** Registers the element under `tag` unless that tag is taken. Importing the class registers nothing. */
  static define(tag = 'trial-table'): void {
    if (customElements.get(tag)) return;
    // biome-ignore lint/complexity/noThisInStatic: a subclass's define() registers the subclass.
    customElements.define(tag, customElements.getName(this) ? class extends this {} : this);
  }

  /** The store to render. */
  @property({ attribute: false }) store?: TrialStore;
  /** The id of the study whose trials are shown. */
  @property() study?: string;
  /** Ids of the columns to show, in order (see `TableColumn.id`); unset shows all but the trial id. */
  @property({ attribute: false }) columns?: string[];
  /** What is shown; the search field and filter chips update it. */
  @property({ attribute: false }) filters: TrialFilters = {};
  /** Sort order; header clicks update it (shift-click adds a column). */
  @property({ attribute: false }) sort: SortSpec[] = [];
  /** Ids of the selected trials; user selection updates it and raises `trial-select`. */
  @property({ attribute: false }) selected: string[] = [];
  /** Base URL of the MLflow UI for run links, e.g. `http://127.0.0.1:5000`. */
  @property({ attribute: 'mlflow-ui-url' }) mlflowUiUrl?: string;
  /** Metric columns show each series' latest value or its best by the study's direction. */
  @property({ attribute: 'metric-value' }) metricValue: MetricValue = 'last';

  private readonly storeController = new StoreController(this, {
    onChange: (change) => this.onStoreChange(change),
  });
  private readonly rows = new VirtualRowsController(this, {
    scroller: () => this.renderRoot.querySelector<HTMLElement>('.grid'),
    probe: () => this.renderRoot.querySelector<HTMLElement>('.probe'),
    offset: () => this.renderRoot.querySelector<HTMLElement>('.head')?.offsetHeight ?? 0,
    columnEdges: () => this.columnEdges,
  });
  private readonly view = new TrialView(
    (id) => this.columnById.get(id),
    () => this.context,
  );
  private available: TableColumn[] = [];
  private columnById = new Map<string, TableColumn>();
  private shown: TableColumn[] = [];
  /** Left edge of each shown column, then the total width. */
  private columnEdges: number[] = [0];
  private knownMetrics = new Set<string>();
  /** Param name -> numeric. */
  private knownParams = new Map<string, boolean>();
  private knownFlags = new Set<string>();
  private objective?: string;
  /** Bumped per trial on a live change: the row's cells re-render, other rows do not. */
  private readonly rowVersions = new Map<string, number>();
  /** Bumped when every row must re-render (columns, formatting context). */
  private layoutVersion = 0;
  private selectedSet = new Set<string>();
  private anchorId?: string;
  /** The keyboard-focusable cell: a row by trial id (or the header row) and a column. */
  private activeId?: string;
  private activeHeader = false;
  private activeCol = 0;
  private dataDirty = true;
  private columnsDirty = false;
  private idleHandle?: number;

  /** Columns the study offers (the chooser's list). */
  get availableColumns(): readonly TableColumn[] {
    return this.available;
  }

  /** Columns shown, in order. */
  get shownColumns(): readonly TableColumn[] {
    return this.shown;
  }

  /** How many trials pass the filters. */
  get rowCount(): number {
    return this.view.length;
  }

  /** The trials shown, filtered and sorted, in display order. */
  get shownTrials(): Trial[] {
    return [...this.view];
  }

  private get studyObject(): Study | undefined {
    return this.study ? this.store?.getStudy(this.study) : undefined;
  }

  private get context(): ColumnContext {
    return {
      store: this.store!,
      study: this.studyObject,
      metricValue: this.metricValue,
      mlflowUiUrl: this.mlflowUiUrl,
      now: Date.now(),
    };
  }

  /** What is shown — filtered, sorted, chosen columns — as RFC 4180 CSV safe to open in a spreadsheet. */
  toCsv(): string {
    const columns = this.shown;
    const ctx = this.context;
    const rows = (function* (trials: Iterable<Trial>) {
      for (const trial of trials) yield columns.map((c) => exportValue(c, trial, ctx));
    })(this.view);
    return toCsv(columns.map(csvHeader), rows);
  }

  /** Downloads `toCsv()` as `<study name>.csv`. */
  downloadCsv(): void {
    const url = URL.createObjectURL(new Blob([this.toCsv()], { type: 'text/csv;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `${(this.studyObject?.name || 'trials').replace(/[^\w.-]+/g, '_')}.csv`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.cancelIdle();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('store')) this.storeController.store = this.store;
    if (
      changed.has('store') ||
      changed.has('study') ||
      changed.has('metricValue') ||
      changed.has('mlflowUiUrl')
    )
      this.dataDirty = true;
    if (changed.has('study')) {
      this.activeId = undefined;
      this.anchorId = undefined;
    }
    if (changed.has('selected')) this.selectedSet = new Set(this.selected);
    const reordered = this.dataDirty || changed.has('sort') || changed.has('filters');
    if (this.dataDirty) this.rebuild();
    else if (reordered) this.view.query(this.sort, this.filters);
    if (this.columnsDirty || changed.has('columns')) this.chooseColumns();
    this.placeTabStop(reordered);
    this.rows.count = this.view.length;
    this.rows.clamp();
  }

  /**
   * Keeps the grid's one tab stop on a shown row. It stays with its trial through live moves (so a
   * live update never re-renders a second row); a new order moves it to the top unless the user is in the grid.
   */
  private placeTabStop(reordered: boolean): void {
    if (reordered && !this.shadowRoot?.activeElement) this.activeId = undefined;
    if (this.activeId !== undefined && this.view.positionOf(this.activeId) >= 0) return;
    this.activeId = this.view.length ? this.view.at(0).id : undefined;
  }

  /** Everything from the store again: a new store, study, snapshot or formatting context. */
  private rebuild(): void {
    this.dataDirty = false;
    const trials = this.store && this.study ? this.store.trialsOf(this.study) : [];
    this.objective = JSON.stringify(this.studyObject?.objective);
    this.knownMetrics = new Set(this.store && this.study ? this.store.metricKeys(this.study) : []);
    this.knownParams = new Map();
    for (const trial of trials) learnParams(this.knownParams, trial);
    this.knownFlags = new Set(trials.flatMap((t) => t.flags));
    this.rowVersions.clear();
    this.columnsDirty = true;
    this.updateAvailable();
    this.view.reset(trials, this.sort, this.filters);
    this.prepareSearchWhenIdle();
  }

  private updateAvailable(): void {
    const metrics = [...this.knownMetrics].sort();
    const params = new Map([...this.knownParams].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    this.available = availableColumns(this.studyObject, metrics, params);
    this.columnById = new Map(this.available.map((c) => [c.id, c]));
  }

  private chooseColumns(): void {
    this.columnsDirty = false;
    const ids = this.columns ?? defaultColumnIds(this.available);
    this.shown = ids.flatMap((id) => this.columnById.get(id) ?? []);
    this.columnEdges = [0];
    for (const column of this.shown) this.columnEdges.push(this.columnEdges.at(-1)! + column.width);
    this.layoutVersion++;
  }

  /** Search text is computed in idle slices after a rebuild, so the first search does not stall. */
  private prepareSearchWhenIdle(): void {
    this.cancelIdle();
    const step = (deadline?: IdleDeadline) => {
      const budget = deadline ? Math.max(1, deadline.timeRemaining() - 1) : 4;
      this.idleHandle = this.view.prepareSearch(budget) ? undefined : whenIdle(step);
    };
    this.idleHandle = whenIdle(step);
  }

  private cancelIdle(): void {
    if (this.idleHandle === undefined) return;
    if (typeof cancelIdleCallback === 'function') cancelIdleCallback(this.idleHandle);
    else clearTimeout(this.idleHandle);
    this.idleHandle = undefined;
  }

  /** Patches the view for the trials a change touched; returns whether to re-render. */
  private onStoreChange(change: StoreChange): boolean {
    const store = this.store;
    if (!store || !this.study) return false;
    if (change.reset) {
      this.dataDirty = true;
      return true;
    }
    // A new objective changes "best" values and the metric order: rebuild. Other study fields only
    // change the grid's label, which is outside the rows.
    if (change.studies.has(this.study) && JSON.stringify(this.studyObject?.objective) !== this.objective)
      this.dataDirty = true;
    const touched = new Set(change.trials);
    for (const series of change.series.values()) {
      touched.add(series.trialId);
      if (!this.knownMetrics.has(series.key) && store.getTrial(series.trialId)?.studyId === this.study) {
        this.knownMetrics.add(series.key);
        this.columnsDirty = true;
      }
    }
    let rendered = change.studies.has(this.study) || this.columnsDirty;
    for (const id of touched) {
      const trial = store.getTrial(id);
      if (!trial || trial.studyId !== this.study) {
        // Removed, or moved to another study: rare, so rebuild rather than patch.
        if (this.view.has(id)) this.dataDirty = rendered = true;
        continue;
      }
      this.learnColumns(trial);
      if (!this.dataDirty) this.view.upsert(trial);
      this.rowVersions.set(id, (this.rowVersions.get(id) ?? 0) + 1);
      rendered = true;
    }
    if (this.columnsDirty) this.updateAvailable();
    return rendered;
  }

  /** New params or flags seen on a live trial extend the chooser and filter chips. */
  private learnColumns(trial: Trial): void {
    if (learnParams(this.knownParams, trial)) this.columnsDirty = true;
    for (const flag of trial.flags) this.knownFlags.add(flag);
  }

  /** Renders on every scroll step: the toolbar and header are guarded so that only rows cost anything. */
  protected override render(): TemplateResult {
    const columns = this.shown;
    const width = columns.reduce((sum, c) => sum + c.width, 0);
    const name = this.studyObject?.name;
    return html`
      ${guard(
        [this.filters, this.knownFlags.size, this.available, this.shown, this.view.length, this.view.total],
        () => this.renderToolbar(),
      )}
      <div
        part="table"
        class="grid"
        role="grid"
        aria-label=${name ? `Trials of ${name}` : 'Trials'}
        aria-rowcount=${this.view.length + 1}
        aria-colcount=${columns.length}
        aria-multiselectable="true"
        style="--_cols: ${columns.map((c) => `${c.width}px`).join(' ')}; --_width: ${width}px"
        @keydown=${this.onKeydown}
        @click=${this.onClick}
        @focusin=${this.onFocusin}
      >
        <div class="probe" aria-hidden="true"></div>
        <div role="rowgroup" part="header" class="head">
          <div role="row" class="row" aria-rowindex="1">
            ${guard([columns, this.sort, this.activeHeader, this.activeCol], () =>
              columns.map((c, i) => this.renderHeader(c, i)),
            )}
          </div>
        </div>
        <div role="rowgroup" class="body" style="height: calc(var(--_row-height) * ${this.view.length})">
          ${repeat(
            this.windowPositions(),
            (position) => this.view.at(position).id,
            (position) => this.renderRow(position),
          )}
        </div>
      </div>
      <p part="empty" class="empty" ?hidden=${this.view.length > 0}>
        ${this.view.total ? 'No trial matches the filters.' : this.store?.loaded ? 'No trials yet.' : 'Loading trials…'}
      </p>
    `;
  }

  private renderToolbar(): TemplateResult {
    const statuses = new Set(this.filters.status ?? []);
    const flags = new Set(this.filters.flags ?? []);
    const shown = new Set(this.shown.map((c) => c.id));
    return html`
      <div part="toolbar" class="toolbar">
        <input
          part="search"
          type="search"
          aria-label="Search trials"
          placeholder="Search trials"
          .value=${live(this.filters.text ?? '')}
          @input=${(e: InputEvent) => this.setFilters({ text: (e.target as HTMLInputElement).value })}
        />
        <div class="chips" role="group" aria-label="Filter by status">
          ${STATUS_ORDER.map(
            (status) => html`<button
              type="button"
              part="filter-chip"
              data-status=${status}
              aria-pressed=${statuses.has(status) ? 'true' : 'false'}
              @click=${() => this.setFilters({ status: toggled(this.filters.status, status) })}
            >
              ${statusIcon(status)}${statusLabel(status)}
            </button>`,
          )}
        </div>
        ${
          this.knownFlags.size
            ? html`<div class="chips" role="group" aria-label="Filter by flag">
              ${[...this.knownFlags].sort().map(
                (flag) => html`<button
                  type="button"
                  part="filter-chip"
                  data-flag=${flag}
                  aria-pressed=${flags.has(flag) ? 'true' : 'false'}
                  @click=${() => this.setFilters({ flags: toggled(this.filters.flags, flag) })}
                >
                  ${flag}
                </button>`,
              )}
            </div>`
            : nothing
        }
        ${filterChips(this.filters).map(
          (chip) => html`<button
            type="button"
            part="filter-chip"
            class="active-filter"
            aria-label="Remove filter ${chip.label}"
            @click=${() => {
              this.filters = chip.without;
            }}
          >
            ${chip.label} <span aria-hidden="true">✕</span>
          </button>`,
        )}
        <details part="filter-menu" class="chooser filters">
          <summary>Add filter</summary>
          ${filterForm(this.available, (column, form) => {
            const next = applyForm(this.filters, column, form);
            if (next) this.filters = next;
          })}
        </details>
        <span part="count" class="count">${this.view.length.toLocaleString()} of ${this.view.total.toLocaleString()} trials</span>
        <details part="column-chooser" class="chooser">
          <summary>Columns</summary>
          <div class="menu" role="group" aria-label="Columns to show">
            ${this.available.map(
              (c) => html`<label>
                <input
                  type="checkbox"
                  data-column=${c.id}
                  .checked=${live(shown.has(c.id))}
                  @change=${() => this.toggleColumn(c.id)}
                />${c.label === '#' ? 'Number' : c.label}
              </label>`,
            )}
          </div>
        </details>
        <button part="export-button" class="action" type="button" @click=${() => this.downloadCsv()}>
          Export CSV
        </button>
      </div>
    `;
  }

  private renderHeader(column: TableColumn, index: number): TemplateResult {
    const at = this.sort.findIndex((s) => s.column === column.id);
    const spec = this.sort[at];
    // aria-sort belongs on one header: the primary key. Secondary keys show their rank visually.
    const ariaSort = at === 0 ? (spec.direction === 'asc' ? 'ascending' : 'descending') : nothing;
    return html`<div
      role="columnheader"
      part="header-cell"
      class=${column.numeric ? 'num' : ''}
      aria-colindex=${index + 1}
      aria-sort=${ariaSort}
      tabindex=${this.activeHeader && this.activeCol === index ? 0 : -1}
      data-col=${index}
      title="Sort by ${column.label} (shift-click to add to the sort)"
    >
      <span class="label">${column.label}</span>${
        spec
          ? html`<span class="sort" aria-hidden="true"
              >${spec.direction === 'asc' ? '▲' : '▼'}${this.sort.length > 1 ? at + 1 : ''}</span
            >`
          : nothing
      }
    </div>`;
  }

  /** Positions to render: the window, plus the focused row so that focus survives scrolling away. */
  private windowPositions(): number[] {
    const positions: number[] = [];
    for (let p = this.rows.start; p < this.rows.end; p++) positions.push(p);
    const active = this.activeId === undefined ? -1 : this.view.positionOf(this.activeId);
    if (active >= 0 && (active < this.rows.start || active >= this.rows.end)) positions.push(active);
    return positions;
  }

  private renderRow(position: number): TemplateResult {
    const trial = this.view.at(position);
    const selected = this.selectedSet.has(trial.id);
    const activeCol = this.activeColumnOf(trial.id);
    // The row element follows its position; its cells re-render only when the trial changed.
    return html`<div
      role="row"
      part=${selected ? 'row row-selected' : 'row'}
      class="row"
      aria-rowindex=${position + 2}
      aria-selected=${selected ? 'true' : 'false'}
      data-id=${trial.id}
      style="transform: translateY(calc(var(--_row-height) * ${position}))"
    >
      ${guard(
        [
          trial,
          this.rowVersions.get(trial.id),
          this.layoutVersion,
          activeCol,
          this.rows.colStart,
          this.rows.colEnd,
        ],
        () => this.renderCells(trial, activeCol),
      )}
    </div>`;
  }

  /** The column holding the tab stop in this row, or -1. */
  private activeColumnOf(trialId: string): number {
    return !this.activeHeader && this.activeId === trialId ? this.activeCol : -1;
  }

  /**
   * One cell per column, in order, so that cells keep their elements (and focus) as the view
   * scrolls sideways; only the columns in view, and the focused one, get content.
   */
  private renderCells(trial: Trial, activeCol: number): TemplateResult[] {
    const ctx = this.context;
    const { colStart, colEnd } = this.rows;
    return this.shown.map((column, i) => {
      const active = i === activeCol;
      const content = active || (i >= colStart && i < colEnd);
      const link =
        content && column.kind === ColumnKind.Mlflow ? mlflowRunUrl(trial, this.mlflowUiUrl) : undefined;
      // A cell holding a link hands its tab stop to the link, as the ARIA grid pattern asks.
      return html`<div
        role="gridcell"
        part="cell"
        class=${column.numeric ? 'num' : ''}
        aria-colindex=${i + 1}
        tabindex=${active && !link ? 0 : -1}
        data-col=${i}
      >
        ${
          link
            ? html`<a
              part="mlflow-link"
              href=${link}
              target="_blank"
              rel="noopener noreferrer"
              tabindex=${active ? 0 : -1}
              >Open<span class="sr-only"> trial ${trial.number} in MLflow</span
              ><span aria-hidden="true"> ↗</span></a
            >`
            : content
              ? this.renderValue(column, trial, ctx)
              : nothing
        }
      </div>`;
    });
  }

  private renderValue(column: TableColumn, trial: Trial, ctx: ColumnContext): unknown {
    switch (column.kind) {
      case ColumnKind.Status:
        return html`${statusIcon(trial.status)}<span class="text">${statusLabel(trial.status)}</span>`;
      case ColumnKind.Duration:
        return formatDuration(durationOf(trial, ctx.now));
      case ColumnKind.Started:
        return formatTime(trial.startedAt);
      case ColumnKind.Flags:
        return trial.flags.map((flag) => html`<span part="flag" class="flag">${flag}</span>`);
      case ColumnKind.Mlflow:
        return trial.mlflow?.runId ? html`<span class="muted">${trial.mlflow.runId.slice(0, 8)}</span>` : '';
      default: {
        const value = columnValue(column, trial, ctx);
        return typeof value === 'number'
          ? formatNumber(value)
          : html`<span class="text" title=${value ?? ''}>${value ?? ''}</span>`;
      }
    }
  }

  private setFilters(patch: Partial<TrialFilters>): void {
    this.filters = { ...this.filters, ...patch };
  }

  private toggleColumn(id: string): void {
    const chosen = new Set(this.shown.map((c) => c.id));
    if (chosen.has(id)) chosen.delete(id);
    else chosen.add(id);
    // Keep the host's order, and put a newly shown column where the study lists it.
    this.columns = this.available.filter((c) => chosen.has(c.id)).map((c) => c.id);
  }

  /** The row and column under an event, from the composed path. */
  private cellOf(
    event: Event,
  ): { trialId?: string; header: boolean; col: number; link: boolean } | undefined {
    let col = -1;
    let link = false;
    for (const node of event.composedPath()) {
      if (!(node instanceof HTMLElement)) continue;
      if (node.localName === 'a') link = true;
      if (node.dataset.col !== undefined && col < 0) col = Number(node.dataset.col);
      if (node.getAttribute('role') === 'row') {
        return {
          trialId: node.dataset.id,
          header: node.dataset.id === undefined,
          col: Math.max(0, col),
          link,
        };
      }
      if (node.classList.contains('grid')) return undefined;
    }
    return undefined;
  }

  private readonly onClick = (event: MouseEvent) => {
    const cell = this.cellOf(event);
    if (!cell) return;
    if (cell.header) {
      this.sort = toggleSort(this.sort, this.shown[cell.col].id, event.shiftKey);
      return;
    }
    if (cell.link || !cell.trialId) return;
    this.activeHeader = false;
    this.activeId = cell.trialId;
    this.activeCol = cell.col;
    const mode: SelectMode = event.shiftKey ? 'range' : event.ctrlKey || event.metaKey ? 'toggle' : 'only';
    this.select(cell.trialId, mode);
  };

  private readonly onFocusin = (event: FocusEvent) => {
    const cell = this.cellOf(event);
    if (!cell) return;
    const same =
      cell.header === this.activeHeader && cell.col === this.activeCol && cell.trialId === this.activeId;
    if (same) return;
    this.activeHeader = cell.header;
    if (!cell.header) this.activeId = cell.trialId;
    this.activeCol = cell.col;
    this.requestUpdate();
  };

  private readonly onKeydown = (event: KeyboardEvent) => {
    if (!this.view.length && !this.activeHeader) return;
    const current = this.activeHeader ? -1 : this.activePosition();
    const ctrl = event.ctrlKey || event.metaKey;
    if (event.key === 'Enter' || event.key === ' ') {
      // Enter on a link follows it; otherwise Enter and Space act on the focused row or header.
      if ((event.target as HTMLElement).localName === 'a' && event.key === 'Enter') return;
      event.preventDefault();
      if (current < 0) this.sort = toggleSort(this.sort, this.shown[this.activeCol].id, event.shiftKey);
      else {
        const mode = event.shiftKey ? 'range' : ctrl || event.key === ' ' ? 'toggle' : 'only';
        this.select(this.view.at(current).id, mode);
      }
      return;
    }
    const next = navigate(
      event,
      { row: current, col: this.activeCol },
      {
        rows: this.view.length,
        cols: this.shown.length,
        page: this.rows.pageSize,
        firstRow: -1,
        kind: 'grid',
      },
    );
    if (!next) return;
    event.preventDefault();
    void this.moveTo(next.row, next.col);
    if (event.shiftKey && next.row >= 0 && next.row !== current && event.key.startsWith('Arrow'))
      this.select(this.view.at(next.row).id, 'range');
  };

  private activePosition(): number {
    const position = this.activeId === undefined ? -1 : this.view.positionOf(this.activeId);
    return Math.max(0, position);
  }

  /** Moves the tab stop (row -1 is the header), scrolls it into view and focuses it. */
  private async moveTo(row: number, col: number): Promise<void> {
    this.activeHeader = row < 0;
    if (row >= 0) {
      this.activeId = this.view.at(row).id;
      this.rows.scrollToRow(row);
    }
    this.activeCol = col;
    this.requestUpdate();
    await this.updateComplete;
    const target = this.renderRoot.querySelector<HTMLElement>('.grid [tabindex="0"]');
    target?.focus();
  }

  private select(trialId: string, mode: SelectMode): void {
    let ids: string[];
    const anchor = this.anchorId === undefined ? -1 : this.view.positionOf(this.anchorId);
    if (mode === 'range' && anchor >= 0) {
      const to = this.view.positionOf(trialId);
      ids = [];
      for (let p = Math.min(anchor, to); p <= Math.max(anchor, to); p++) ids.push(this.view.at(p).id);
    } else if (mode === 'toggle') {
      const set = new Set(this.selected);
      if (!set.delete(trialId)) set.add(trialId);
      ids = [...set];
      this.anchorId = trialId;
    } else {
      ids = [trialId];
      this.anchorId = trialId;
    }
    this.selected = ids;
    // Built first, not inline: the manifest analyzer would take an inline constructor's argument for the event name.
    const event = new TrialSelectEvent(ids, this.store?.getTrial(trialId));
    this.dispatchEvent(event);
  }
}

/** `requestIdleCallback` where there is one (Safari has none), else a short timer. */
function whenIdle(callback: (deadline?: IdleDeadline) => void): number {
  return typeof requestIdleCallback === 'function'
    ? requestIdleCallback(callback)
    : (setTimeout(callback, 50) as unknown as number);
}

/** `list` with `item` added, or removed if present. */
function toggled<T>(list: readonly T[] | undefined, item: T): T[] {
  const items = list ?? [];
  return items.includes(item) ? items.filter((x) => x !== item) : [...items, item];
}
