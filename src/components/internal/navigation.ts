/**
 * Where a navigation key moves the focus in a grid or a list: one mapping shared by the table
 * (an ARIA grid with a header row) and the run list (a listbox).
 */

export interface GridPosition {
  /** Row index; -1 is the header row. */
  readonly row: number;
  readonly col: number;
}

export interface GridBounds {
  readonly rows: number;
  readonly cols: number;
  /** Rows per PageUp/PageDown. */
  readonly page: number;
  /** The topmost row focus may reach: -1 when the header row takes focus, else 0. */
  readonly firstRow: number;
  /** In a list Home/End go to the first/last row; in a grid to the first/last cell of the row (with Ctrl, of the grid). */
  readonly kind: 'grid' | 'list';
}

type Keys = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey'>;

/** The new position for an arrow, Home/End or PageUp/PageDown key, or undefined for any other key. */
export function navigate(event: Keys, at: GridPosition, bounds: GridBounds): GridPosition | undefined {
  const lastRow = bounds.rows - 1;
  const lastCol = bounds.cols - 1;
  const rows = bounds.kind === 'list' || event.ctrlKey || event.metaKey;
  const clampRow = (row: number) => Math.max(bounds.firstRow, Math.min(row, lastRow));
  switch (event.key) {
    case 'ArrowDown':
      return { row: clampRow(at.row + 1), col: at.col };
    case 'ArrowUp':
      return { row: clampRow(at.row - 1), col: at.col };
    case 'ArrowRight':
      return { row: at.row, col: Math.min(at.col + 1, lastCol) };
    case 'ArrowLeft':
      return { row: at.row, col: Math.max(at.col - 1, 0) };
    case 'Home':
      return { row: rows ? Math.min(0, lastRow) : at.row, col: bounds.kind === 'list' ? at.col : 0 };
    case 'End':
      return { row: rows ? lastRow : at.row, col: bounds.kind === 'list' ? at.col : lastCol };
    case 'PageDown':
      return { row: clampRow(Math.max(at.row, 0) + bounds.page), col: at.col };
    case 'PageUp':
      // From the header row there is nothing above to page to.
      return { row: at.row < 0 ? at.row : Math.max(at.row - bounds.page, 0), col: at.col };
    default:
      return undefined;
  }
}
