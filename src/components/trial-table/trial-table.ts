/**
 * `<trial-table>`: the trials of one study as an ARIA grid that stays smooth at 100,000 rows.
 * Sorting and filtering run on precomputed column keys (`table/trial-view.ts`), only the rows on
 * screen are in the DOM (`virtual-rows.ts`), and a live update re-renders the one row it touches.
 */
import { html, LitElement, type PropertyValues, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import type { StoreChange, TeamEdit, TrialStore } from '../../client/index.js';
import type { Study, Trial } from '../../protocol/index.js';
import { TrialEditEvent } from '../events/trial-edit-event.js';
import { TrialFilterChangeEvent } from '../events/trial-filter-change-event.js';
import { TrialLinkRequestEvent } from '../events/trial-link-request-event.js';
import { TrialSelectEvent } from '../events/trial-select-event.js';
import { defineElement } from '../internal/define-element.js';
import { afterArrivals, LazyPart } from '../internal/lazy-part.js';
import { StoreController } from '../internal/store-controller.js';
import { VirtualRowsController } from '../internal/virtual-rows.js';
import {
  availableColumns,
  type ColumnContext,
  csvHeader,
  defaultColumnIds,
  exportValue,
  learnParams,
  type MetricValue,
  type TableColumn,
} from './columns.js';
import { toCsv } from './csv.js';
import type { TrialFilters } from './filter.js';
import { gridRow, headerCell, type RowCells } from './grid-cells.js';
import { GridFocusController } from './grid-focus-controller.js';
import { IdleSlicesController } from './idle-slices-controller.js';
import { type SortSpec, toggleSort } from './sort.js';
import { toolbar } from './toolbar.js';
import { trialTableStyles } from './trial-table.styles.js';
import { TrialView } from './trial-view.js';

declare global {
  interface HTMLElementTagNameMap {
    'trial-table': TrialTable;
  }
}

/**
 * @tag trial-table
 * @summary The trials of a study: sortable, filterable, virtualized, exportable as CSV.
 *
 * @event trial-select - {TrialSelectEvent} The user changed the selection; `.trialIds`, `.trial`.
 * @event trial-link-request - {TrialLinkRequestEvent} With `trial-links`: the user asked for a link to a trial (`.trial`).
 * @event trial-edit - {TrialEditEvent} With `editable`: the user starred a trial or added or removed a tag (`.edit`, a `trial.patch`).
 * @event trial-filter-change - {TrialFilterChangeEvent} The user changed the filters (search, chips, "Add filter"); `.filters`, as `filters` now holds them.
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
 * @csspart row-selected - A selected trial row (beside `row`).
 * @csspart cell - A cell.
 * @csspart flag - A flag chip in the flags column.
 * @csspart star - The star toggle of a row.
 * @csspart tag - A tag chip in the tags column (with its remove button).
 * @csspart tag-add - The button that opens a row's new-tag field.
 * @csspart comment-count - The number of comments in the comments column.
 * @csspart model-link - A registered model version in the models column, linked to the MLflow UI.
 * @csspart model - A registered model version, unlinked (no MLflow UI URL).
 * @csspart mlflow-link - The link to the trial's MLflow run.
 * @csspart trial-link - With `trial-links`: the button in the `#` cell that asks for a link to the trial.
 * @csspart empty - The message shown when no trial matches.
 *
 * @cssproperty [--trialkit-table-height=28rem] - The element's height; it needs one to scroll.
 * @cssproperty [--trialkit-row-height=32px] - Row height (shared token).
 * @cssproperty [--trialkit-bg=#ffffff] - Background (shared token; see theme.ts for the rest of the set).
 * @cssproperty [--trialkit-selection=rgba(47, 111, 222, 0.14)] - Background of selected rows (shared token).
 * @cssproperty [--trialkit-status-failed=#c62828] - Colour of a status (one property per status; shared tokens).
 */
export class TrialTable extends LitElement {
  static override styles = trialTableStyles;

  /** Registers the element under `tag` unless that tag is taken. Importing the class registers nothing. */
  static define(tag = 'trial-table'): typeof TrialTable {
    // biome-ignore lint/complexity/noThisInStatic: a subclass's define() registers the subclass.
    defineElement(tag, this);
    // biome-ignore lint/complexity/noThisInStatic: returns the class it was called on.
    return this;
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
  /**
   * Show a link button in each row's `#` cell; pressing it raises `trial-link-request`, and the host
   * builds the link (the table knows nothing of URLs).
   */
  @property({ type: Boolean, attribute: 'trial-links' }) trialLinks = false;
  /**
   * The star toggles and tag chips raise `trial-edit` (the host writes the edit). Without it they
   * are shown disabled, described by `read-only-reason`.
   */
  @property({ type: Boolean }) editable = false;
  /** Why trials cannot be edited here, for the disabled controls' description. */
  @property({ attribute: 'read-only-reason' }) readOnlyReason?: string;
  /** `light` or `dark`; unset follows the OS preference. */
  @property({ reflect: true }) theme?: 'light' | 'dark';

  /** The trial whose new-tag field is open. */
  private addingTagTo?: string;

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
  /** Tag keys seen on the study's trials: the tag filter's choices. */
  private knownTags = new Set<string>();
  /** Whether some trial has registered model versions: the Models column exists only then. */
  private hasModels = false;
  private objective?: string;
  /** Bumped per trial on a live change: the row's cells re-render, other rows do not. */
  private readonly rowVersions = new Map<string, number>();
  /** Bumped when every row must re-render (columns, formatting context). */
  private layoutVersion = 0;
  private selectedSet = new Set<string>();
  /** The keyboard-focusable cell, keyboard navigation and selection. */
  private readonly gridFocus = new GridFocusController(this, {
    view: this.view,
    columnCount: () => this.shown.length,
    pageSize: () => this.rows.pageSize,
    scrollToRow: (row) => this.rows.scrollToRow(row),
    selected: () => this.selected,
    onSort: (col, additive) => {
      this.sort = toggleSort(this.sort, this.shown[col].id, additive);
    },
    onSelect: (ids, trialId) => {
      this.selected = ids;
      // Built first, not inline: the manifest analyzer would take an inline constructor's argument for the event name.
      const event = new TrialSelectEvent(ids, this.store?.getTrial(trialId));
      this.dispatchEvent(event);
    },
  });
  private dataDirty = true;
  private columnsDirty = false;
  /** Search text is computed in idle slices after a rebuild, so the first search does not stall. */
  private readonly searchPreparation = new IdleSlicesController(this);

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

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('store')) this.storeController.store = this.store;
    if (
      changed.has('store') ||
      changed.has('study') ||
      changed.has('metricValue') ||
      changed.has('mlflowUiUrl')
    )
      this.dataDirty = true;
    if (changed.has('study')) this.gridFocus.reset();
    if (changed.has('trialLinks') || changed.has('editable') || changed.has('readOnlyReason'))
      this.layoutVersion++;
    if (changed.has('selected')) this.selectedSet = new Set(this.selected);
    const reordered = this.dataDirty || changed.has('sort') || changed.has('filters');
    if (this.dataDirty) this.rebuild();
    else if (reordered) this.view.query(this.sort, this.filters);
    if (this.columnsDirty || changed.has('columns')) this.chooseColumns();
    this.gridFocus.reordered = reordered;
    this.rows.count = this.view.length;
    this.rows.clamp();
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
    this.knownTags = new Set(trials.flatMap((t) => Object.keys(t.tags)));
    this.hasModels = trials.some((t) => !!t.models?.length);
    this.rowVersions.clear();
    this.columnsDirty = true;
    this.updateAvailable();
    this.view.reset(trials, this.sort, this.filters);
    this.searchPreparation.start((budget) => this.view.prepareSearch(budget));
  }

  private updateAvailable(): void {
    const metrics = [...this.knownMetrics].sort();
    const params = new Map([...this.knownParams].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    this.available = availableColumns(this.studyObject, metrics, params, this.hasModels);
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
    // A new column may be one the sort or filters already name (a shared view, a param only some
    // trials have): every trial is filed again, those filed before it existed too.
    if (this.columnsDirty) this.dataDirty = true;
    return rendered;
  }

  /** New params, flags or models seen on a live trial extend the chooser and filter chips. */
  private learnColumns(trial: Trial): void {
    if (learnParams(this.knownParams, trial)) this.columnsDirty = true;
    if (!this.hasModels && trial.models?.length) this.hasModels = this.columnsDirty = true;
    for (const flag of trial.flags) this.knownFlags.add(flag);
    for (const key of Object.keys(trial.tags)) this.knownTags.add(key);
  }

  /** Renders on every scroll step: the toolbar and header are guarded so that only rows cost anything. */
  protected override render(): TemplateResult {
    const columns = this.shown;
    const width = columns.reduce((sum, c) => sum + c.width, 0);
    const name = this.studyObject?.name;
    const cells: RowCells = {
      columns,
      context: () => this.context,
      colStart: this.rows.colStart,
      colEnd: this.rows.colEnd,
      requestLink: this.trialLinks ? this.requestLink : undefined,
      access: { writable: this.editable, reason: this.readOnlyReason },
      onEdit: this.onEdit,
      addingTagTo: this.addingTagTo,
      setAddingTag: this.setAddingTag,
    };
    const addFilterStatus = this.addFilter.status('the filter form');
    return html`
      ${guard(
        [
          this.filters,
          this.knownFlags.size,
          this.knownTags.size,
          this.available,
          this.shown,
          this.view.length,
          this.view.total,
          this.addFilter.loaded,
          addFilterStatus,
        ],
        () =>
          toolbar(
            {
              filters: this.filters,
              flags: this.knownFlags,
              tags: this.knownTags,
              available: this.available,
              shown: this.shown,
              count: this.view.length,
              total: this.view.total,
              addFilter: this.addFilter.loaded,
              addFilterStatus,
            },
            this.toolbarActions,
          ),
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
        @keydown=${this.gridFocus.onKeydown}
        @click=${this.gridFocus.onClick}
        @focusin=${this.gridFocus.onFocusin}
      >
        <div class="probe" aria-hidden="true"></div>
        <div role="rowgroup" part="header" class="head">
          <div role="row" class="row" aria-rowindex="1">
            ${guard([columns, this.sort, this.gridFocus.activeHeader, this.gridFocus.activeCol], () =>
              columns.map((c, i) =>
                headerCell(c, i, this.sort, this.gridFocus.activeHeader && this.gridFocus.activeCol === i),
              ),
            )}
          </div>
        </div>
        <div role="rowgroup" class="body" style="height: calc(var(--_row-height) * ${this.view.length})">
          ${repeat(
            this.windowPositions(),
            (position) => this.view.at(position).id,
            (position) => this.renderRow(position, cells),
          )}
        </div>
      </div>
      <p part="empty" class="empty" ?hidden=${this.view.length > 0}>
        ${this.view.total ? 'No trial matches the filters.' : this.store?.loaded ? 'No trials yet.' : 'Loading trials…'}
      </p>
    `;
  }

  /** Positions to render: the window, plus the focused row so that focus survives scrolling away. */
  private windowPositions(): number[] {
    const positions: number[] = [];
    for (let p = this.rows.start; p < this.rows.end; p++) positions.push(p);
    const active = this.gridFocus.activeRow;
    if (active >= 0 && (active < this.rows.start || active >= this.rows.end)) positions.push(active);
    return positions;
  }

  private renderRow(position: number, cells: RowCells): TemplateResult {
    const trial = this.view.at(position);
    return gridRow(
      trial,
      position,
      this.selectedSet.has(trial.id),
      this.gridFocus.columnIn(trial.id),
      cells,
      [this.rowVersions.get(trial.id), this.layoutVersion],
    );
  }

  private readonly requestLink = (trial: Trial): void => {
    // Built first, not inline: the manifest analyzer would take an inline constructor's argument for the event name.
    const event = new TrialLinkRequestEvent(trial);
    this.dispatchEvent(event);
  };

  private readonly onEdit = (edit: TeamEdit): void => {
    // Built first, not inline: the manifest analyzer would take an inline constructor's argument for the event name.
    const event = new TrialEditEvent(edit);
    this.dispatchEvent(event);
  };

  private readonly setAddingTag = (trialId: string | undefined): void => {
    const was = this.addingTagTo;
    if (was === trialId) return;
    this.addingTagTo = trialId;
    for (const id of [was, trialId]) if (id) this.rowVersions.set(id, (this.rowVersions.get(id) ?? 0) + 1);
    this.requestUpdate();
    // Into the new field; back to its "+" when Enter or Escape ends it (not when focus left it).
    const field = trialId
      ? '.tag-input'
      : this.shadowRoot!.activeElement?.matches('.tag-input') && `[data-id="${CSS.escape(was!)}"] .tag-add`;
    if (field)
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(field)?.focus());
  };

  /** The user changed the filters: a host that keeps them (the dashboard, a URL) hears of it. */
  private filtersChanged(filters: TrialFilters): void {
    this.filters = filters;
    this.dispatchEvent(new TrialFilterChangeEvent(filters));
  }

  private readonly toolbarActions = {
    setFilters: (filters: TrialFilters) => this.filtersChanged(filters),
    patchFilters: (patch: Partial<TrialFilters>) => this.filtersChanged({ ...this.filters, ...patch }),
    toggleColumn: (id: string) => this.toggleColumn(id),
    downloadCsv: () => this.downloadCsv(),
    loadAddFilter: () => {
      this.addFilter.get();
    },
  };
  /** The "Add filter" form, loaded when its menu is first approached. */
  private readonly addFilter = new LazyPart(this, () => import('./add-filter.js'));

  /** Also waits for the "Add filter" form's code once asked for, and the render that follows. */
  protected override async getUpdateComplete(): Promise<boolean> {
    return afterArrivals(await super.getUpdateComplete(), [this.addFilter.arriving], () =>
      super.getUpdateComplete(),
    );
  }

  private toggleColumn(id: string): void {
    const chosen = new Set(this.shown.map((c) => c.id));
    if (chosen.has(id)) chosen.delete(id);
    else chosen.add(id);
    // Keep the host's order, and put a newly shown column where the study lists it.
    this.columns = this.available.filter((c) => chosen.has(c.id)).map((c) => c.id);
  }
}
