/**
 * The table grid's one tab stop, keyboard navigation and selection, as the ARIA grid pattern asks:
 * arrow keys, Home/End and PageUp/PageDown move the focused cell; Enter and Space select a row or
 * sort by a header; clicks select with shift (range) and ctrl/meta (toggle). The tab stop follows
 * its trial through live moves, so a live update never re-renders a second row.
 */
import type { LitElement, ReactiveController } from 'lit';
import { navigate } from '../internal/navigation.js';
import type { TrialView } from './trial-view.js';

/** How a row joins the selection: alone, toggled, or as the range from the anchor. */
export type SelectMode = 'only' | 'toggle' | 'range';

export interface GridFocusOptions {
  /** The rows in display order. */
  view: TrialView;
  /** How many columns are shown. */
  columnCount(): number;
  /** Rows per PageUp/PageDown. */
  pageSize(): number;
  /** Scrolls a row (display position) into view. */
  scrollToRow(row: number): void;
  /** The ids selected now. */
  selected(): readonly string[];
  /** A header was clicked or pressed: sort by that column (`additive` with shift). */
  onSort(col: number, additive: boolean): void;
  /** The user changed the selection to `ids`, acting on `trialId`. */
  onSelect(ids: string[], trialId: string): void;
}

/** The row and column under an event. */
interface Cell {
  trialId?: string;
  header: boolean;
  col: number;
  /** The event came from a link or button in the cell: it acts, the row is not selected. */
  control: boolean;
}

export class GridFocusController implements ReactiveController {
  /** The focusable cell's row, by trial id (unless `activeHeader`). */
  activeId?: string;
  /** Whether the tab stop is on the header row. */
  activeHeader = false;
  /** The focusable cell's column. */
  activeCol = 0;
  /** Set by the host's `willUpdate` when the rows were re-sorted, re-filtered or rebuilt. */
  reordered = false;
  /** Where range selections start: the last row selected alone or toggled. */
  private anchorId?: string;
  /** Whether a grid cell had the focus when the update began. */
  private hadFocus = false;

  constructor(
    private readonly host: LitElement,
    private readonly options: GridFocusOptions,
  ) {
    host.addController(this);
  }

  /** Another set of rows (a new study): forget the tab stop and the anchor. */
  reset(): void {
    this.activeId = undefined;
    this.anchorId = undefined;
  }

  /**
   * Before each render, keeps the tab stop on a shown row. It stays with its trial through live
   * moves; a new order moves it to the top unless the user is in the grid.
   */
  hostUpdate(): void {
    const view = this.options.view;
    const reordered = this.reordered;
    this.reordered = false;
    const focused = this.host.shadowRoot?.activeElement;
    this.hadFocus = !!focused?.closest('.grid');
    if (reordered && !focused) this.activeId = undefined;
    // A column hidden from the chooser may have held the tab stop.
    this.activeCol = Math.max(0, Math.min(this.activeCol, this.options.columnCount() - 1));
    if (this.activeId !== undefined && view.positionOf(this.activeId) >= 0) return;
    this.activeId = view.length ? view.at(0).id : undefined;
  }

  /**
   * After each render, gives the focus back to the tab stop if the render took it: a row moved in
   * the page (its trial re-sorted by a live value) loses the focus it held.
   */
  hostUpdated(): void {
    if (this.hadFocus && !this.host.shadowRoot?.activeElement)
      this.host.renderRoot.querySelector<HTMLElement>('.grid [tabindex="0"]')?.focus({ preventScroll: true });
  }

  /** The display position of the row holding the tab stop, or -1. */
  get activeRow(): number {
    return this.activeId === undefined ? -1 : this.options.view.positionOf(this.activeId);
  }

  /** The column holding the tab stop in this row, or -1. */
  columnIn(trialId: string): number {
    return !this.activeHeader && this.activeId === trialId ? this.activeCol : -1;
  }

  readonly onClick = (event: MouseEvent): void => {
    const cell = cellOf(event);
    if (!cell) return;
    if (cell.header) {
      this.options.onSort(cell.col, event.shiftKey);
      return;
    }
    if (cell.control || !cell.trialId) return;
    this.activeHeader = false;
    this.activeId = cell.trialId;
    this.activeCol = cell.col;
    const mode: SelectMode = event.shiftKey ? 'range' : event.ctrlKey || event.metaKey ? 'toggle' : 'only';
    this.select(cell.trialId, mode);
  };

  readonly onFocusin = (event: FocusEvent): void => {
    const cell = cellOf(event);
    if (!cell) return;
    const same =
      cell.header === this.activeHeader && cell.col === this.activeCol && cell.trialId === this.activeId;
    if (same) return;
    this.activeHeader = cell.header;
    if (!cell.header) this.activeId = cell.trialId;
    this.activeCol = cell.col;
    this.host.requestUpdate();
  };

  readonly onKeydown = (event: KeyboardEvent): void => {
    const view = this.options.view;
    if (!view.length && !this.activeHeader) return;
    const current = this.activeHeader ? -1 : Math.max(0, this.activeRow);
    const ctrl = event.ctrlKey || event.metaKey;
    if (event.key === 'Enter' || event.key === ' ') {
      // Enter on a link follows it, Enter and Space press a button; otherwise they act on the
      // focused row or header.
      const target = (event.target as HTMLElement).localName;
      if ((target === 'a' && event.key === 'Enter') || target === 'button') return;
      event.preventDefault();
      if (current < 0) this.options.onSort(this.activeCol, event.shiftKey);
      else {
        const mode = event.shiftKey ? 'range' : ctrl || event.key === ' ' ? 'toggle' : 'only';
        this.select(view.at(current).id, mode);
      }
      return;
    }
    const next = navigate(
      event,
      { row: current, col: this.activeCol },
      {
        rows: view.length,
        cols: this.options.columnCount(),
        page: this.options.pageSize(),
        firstRow: -1,
        kind: 'grid',
      },
    );
    if (!next) return;
    event.preventDefault();
    void this.moveTo(next.row, next.col);
    if (event.shiftKey && next.row >= 0 && next.row !== current && event.key.startsWith('Arrow')) {
      // A first Shift+Arrow with nothing selected yet selects from the row it leaves.
      if (current >= 0 && (this.anchorId === undefined || view.positionOf(this.anchorId) < 0))
        this.anchorId = view.at(current).id;
      this.select(view.at(next.row).id, 'range');
    }
  };

  /** Moves the tab stop (row -1 is the header), scrolls it into view and focuses it. */
  private async moveTo(row: number, col: number): Promise<void> {
    this.activeHeader = row < 0;
    if (row >= 0) {
      this.activeId = this.options.view.at(row).id;
      this.options.scrollToRow(row);
    }
    this.activeCol = col;
    this.host.requestUpdate();
    await this.host.updateComplete;
    const target = this.host.renderRoot.querySelector<HTMLElement>('.grid [tabindex="0"]');
    target?.focus();
    // focus() leaves a cell half under the grid's edge where it is; its value and ring are cut.
    target?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }

  private select(trialId: string, mode: SelectMode): void {
    const view = this.options.view;
    let ids: string[];
    const anchor = this.anchorId === undefined ? -1 : view.positionOf(this.anchorId);
    if (mode === 'range' && anchor >= 0) {
      const to = view.positionOf(trialId);
      ids = [];
      for (let p = Math.min(anchor, to); p <= Math.max(anchor, to); p++) ids.push(view.at(p).id);
    } else if (mode === 'toggle') {
      const set = new Set(this.options.selected());
      if (!set.delete(trialId)) set.add(trialId);
      ids = [...set];
      this.anchorId = trialId;
    } else {
      ids = [trialId];
      this.anchorId = trialId;
    }
    this.options.onSelect(ids, trialId);
  }
}

/** The row and column under an event, from the composed path. */
function cellOf(event: Event): Cell | undefined {
  let col = -1;
  let control = false;
  for (const node of event.composedPath()) {
    if (!(node instanceof HTMLElement)) continue;
    if (node.localName === 'a' || node.localName === 'button') control = true;
    if (node.dataset.col !== undefined && col < 0) col = Number(node.dataset.col);
    if (node.getAttribute('role') === 'row') {
      return {
        trialId: node.dataset.id,
        header: node.dataset.id === undefined,
        col: Math.max(0, col),
        control,
      };
    }
    if (node.classList.contains('grid')) return undefined;
  }
  return undefined;
}
