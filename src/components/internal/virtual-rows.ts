/**
 * Windowing for fixed-height rows: tracks a scroll container and tells its host which rows are
 * on screen (plus a margin), so a list of 100,000 rows keeps a few dozen in the DOM. Rows have
 * one height, so the window is arithmetic: no measuring of rows, and jumping anywhere is O(1).
 * Given column edges, it windows columns too, so a wide table renders only the cells in view.
 *
 * Chosen over `@lit-labs/virtualizer` because ARIA grids and listboxes need control of the row
 * elements (`aria-rowindex`, a focused row kept alive off screen), and fixed heights make
 * measuring, its main cost and feature, unnecessary.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface VirtualRowsOptions {
  /** The scrolling element, once rendered. */
  scroller: () => HTMLElement | null | undefined;
  /** The element whose height is one row (e.g. a hidden probe styled with the row height token). */
  probe: () => HTMLElement | null | undefined;
  /** Pixels between the top of the scroller's content and the first row (a sticky header). */
  offset?: () => number;
  /** Rows rendered beyond each edge of the viewport. */
  overscan?: number;
  /** Left edge of each column and, last, the total width (CSS pixels): enables column windowing. */
  columnEdges?: () => readonly number[];
}

export class VirtualRowsController implements ReactiveController {
  /** How many rows there are; the host sets it before rendering. */
  count = 0;
  /** Row height in CSS pixels, measured from the probe. */
  rowHeight = 32;
  /** First rendered row (inclusive) and last (exclusive). */
  start = 0;
  end = 0;
  /** First rendered column (inclusive) and last (exclusive); every column without `columnEdges`. */
  colStart = 0;
  colEnd = Number.POSITIVE_INFINITY;
  private scroller?: HTMLElement;
  private viewportHeight = 0;
  private viewportWidth = 0;
  /** `options.offset()` as of the last measure: reading it on every scroll would force layout. */
  private offset = 0;
  /**
   * The scroller's position as of its last scroll event or measure. Read in the host's update it
   * would force a layout of the page on every render (a live table renders each frame points stream in).
   */
  private scrollTop = 0;
  private scrollLeft = 0;
  private readonly resizeObserver = new ResizeObserver(() => this.measure());
  private readonly onScroll = () => {
    this.readScroll();
    this.update();
  };

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly options: VirtualRowsOptions,
  ) {
    host.addController(this);
  }

  /** Rows that fit in the viewport: the step of PageUp/PageDown. */
  get pageSize(): number {
    return Math.max(1, Math.floor(this.viewportHeight / this.rowHeight) - 1);
  }

  /** Recomputes the window for the current count; call from the host's `willUpdate`. */
  clamp(): void {
    this.computeWindow();
  }

  /** Scrolls the least distance that shows row `index` whole. */
  scrollToRow(index: number): void {
    const scroller = this.scroller;
    if (!scroller) return;
    const offset = this.offset;
    const top = offset + index * this.rowHeight;
    const bottom = top + this.rowHeight;
    if (top - offset < scroller.scrollTop) scroller.scrollTop = top - offset;
    else if (bottom > scroller.scrollTop + scroller.clientHeight)
      scroller.scrollTop = bottom - scroller.clientHeight;
    this.readScroll();
    this.update();
  }

  hostUpdated(): void {
    const scroller = this.options.scroller() ?? undefined;
    if (scroller === this.scroller) return;
    this.scroller?.removeEventListener('scroll', this.onScroll);
    this.resizeObserver.disconnect();
    this.scroller = scroller;
    this.readScroll();
    if (!scroller) return;
    scroller.addEventListener('scroll', this.onScroll, { passive: true });
    // The observer reports the first size asynchronously: measuring then keeps this update pure.
    this.resizeObserver.observe(scroller);
  }

  hostDisconnected(): void {
    this.scroller?.removeEventListener('scroll', this.onScroll);
    this.resizeObserver.disconnect();
    this.scroller = undefined;
  }

  private measure(): void {
    const height = this.options.probe()?.getBoundingClientRect().height;
    if (height) this.rowHeight = height;
    this.viewportHeight = this.scroller?.clientHeight ?? 0;
    this.viewportWidth = this.scroller?.clientWidth ?? 0;
    this.offset = this.options.offset?.() ?? 0;
    this.readScroll();
    this.update();
  }

  private readScroll(): void {
    this.scrollTop = this.scroller?.scrollTop ?? 0;
    this.scrollLeft = this.scroller?.scrollLeft ?? 0;
  }

  /** Asks for a render only when the window moved. */
  private update(): void {
    const { start, end, colStart, colEnd } = this;
    this.computeWindow();
    const moved = start !== this.start || end !== this.end;
    if (moved || colStart !== this.colStart || colEnd !== this.colEnd) this.host.requestUpdate();
  }

  private computeWindow(): void {
    const overscan = this.options.overscan ?? 8;
    const scrollTop = this.scrollTop - this.offset;
    // Before the first layout, render a screenful so that the first paint is not empty.
    const height = this.viewportHeight || 800;
    const first = Math.floor(Math.max(0, scrollTop) / this.rowHeight);
    const last = Math.ceil((Math.max(0, scrollTop) + height) / this.rowHeight);
    this.start = Math.max(0, Math.min(first - overscan, this.count));
    this.end = Math.min(this.count, last + overscan);
    this.computeColumns();
  }

  /** The columns that intersect the viewport, plus one on each side. */
  private computeColumns(): void {
    const edges = this.options.columnEdges?.();
    if (!edges || edges.length < 2) return;
    const left = this.scrollLeft;
    const right = left + (this.viewportWidth || 2000);
    let first = 0;
    while (first < edges.length - 2 && edges[first + 1] <= left) first++;
    let last = first;
    while (last < edges.length - 1 && edges[last] < right) last++;
    this.colStart = Math.max(0, first - 1);
    this.colEnd = Math.min(edges.length - 1, last + 1);
  }
}
