/**
 * The trial table's grid templates: a column header, a row and its cells. Templates only; the
 * element owns the state they show and decides, with `guard`, when a row's cells re-render.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { guard } from 'lit/directives/guard.js';
import type { Trial } from '../../protocol/index.js';
import { formatDuration, formatNumber, formatTime, trialLabel } from '../internal/format.js';
import { modelVersionChips, modelVersionsText } from '../internal/model-versions.js';
import { statusIcon, statusLabel } from '../internal/status.js';
import {
  type ColumnContext,
  ColumnKind,
  columnValue,
  durationOf,
  mlflowRunUrl,
  type TableColumn,
} from './columns.js';
import type { SortSpec } from './sort.js';

/** The header of `column`, at `index`, with its place in `sort`; `focusable` makes it the grid's tab stop. */
export function headerCell(
  column: TableColumn,
  index: number,
  sort: readonly SortSpec[],
  focusable: boolean,
): TemplateResult {
  const at = sort.findIndex((s) => s.column === column.id);
  const spec = sort[at];
  // aria-sort belongs on one header: the primary key. Secondary keys show their rank visually.
  const ariaSort = at === 0 ? (spec.direction === 'asc' ? 'ascending' : 'descending') : nothing;
  return html`<div
    role="columnheader"
    part="header-cell"
    class=${column.numeric ? 'num' : ''}
    aria-colindex=${index + 1}
    aria-sort=${ariaSort}
    tabindex=${focusable ? 0 : -1}
    data-col=${index}
    title="Sort by ${column.label} (shift-click to add to the sort)"
  >
    <span class="label">${column.label}</span>${
      spec
        ? html`<span class="sort" aria-hidden="true"
            >${spec.direction === 'asc' ? '▲' : '▼'}${sort.length > 1 ? at + 1 : ''}</span
          >`
        : nothing
    }
  </div>`;
}

/** What a row's cells show besides the trial. */
export interface RowCells {
  readonly columns: readonly TableColumn[];
  /** Built only when the cells re-render: it fixes "now" for durations. */
  readonly context: () => ColumnContext;
  /** The columns in view, `[colStart, colEnd)`: only they (and the focused one) get content. */
  readonly colStart: number;
  readonly colEnd: number;
}

/**
 * The row of `trial` at `position`. The row element follows its position; its cells re-render only
 * when one of `versions` (the trial's and the layout's) or the focus or the columns in view change.
 */
export function gridRow(
  trial: Trial,
  position: number,
  selected: boolean,
  activeCol: number,
  cells: RowCells,
  versions: readonly unknown[],
): TemplateResult {
  return html`<div
    role="row"
    part=${selected ? 'row row-selected' : 'row'}
    class="row"
    aria-rowindex=${position + 2}
    aria-selected=${selected ? 'true' : 'false'}
    data-id=${trial.id}
    style="transform: translateY(calc(var(--_row-height) * ${position}))"
  >
    ${guard([trial, ...versions, activeCol, cells.colStart, cells.colEnd], () => rowCells(trial, activeCol, cells))}
  </div>`;
}

/**
 * One cell per column, in order, so that cells keep their elements (and focus) as the view
 * scrolls sideways; only the columns in view, and the focused one, get content.
 */
function rowCells(trial: Trial, activeCol: number, cells: RowCells): TemplateResult[] {
  const ctx = cells.context();
  const { colStart, colEnd } = cells;
  return cells.columns.map((column, i) => {
    const active = i === activeCol;
    const content = active || (i >= colStart && i < colEnd);
    const link =
      content && column.kind === ColumnKind.Mlflow ? mlflowRunUrl(trial, ctx.mlflowUiUrl) : undefined;
    const modelLinks =
      content && column.kind === ColumnKind.Models && !!ctx.mlflowUiUrl && !!trial.models?.length;
    // A cell holding links hands its tab stop to them, as the ARIA grid pattern asks.
    return html`<div
      role="gridcell"
      part="cell"
      class=${column.numeric ? 'num' : ''}
      aria-colindex=${i + 1}
      tabindex=${active && !link && !modelLinks ? 0 : -1}
      data-col=${i}
    >
      ${
        modelLinks
          ? modelsCell(trial, ctx, active)
          : link
            ? html`<a
            part="mlflow-link"
            href=${link}
            target="_blank"
            rel="noopener noreferrer"
            tabindex=${active ? 0 : -1}
            >Open<span class="sr-only"> trial ${trialLabel(trial)} in MLflow</span
            ><span aria-hidden="true"> ↗</span></a
          >`
            : content
              ? cellValue(column, trial, ctx)
              : nothing
      }
    </div>`;
  });
}

/** A cell's content: the column's value formatted for display. */
function cellValue(column: TableColumn, trial: Trial, ctx: ColumnContext): unknown {
  switch (column.kind) {
    case ColumnKind.Status:
      return html`${statusIcon(trial.status)}<span class="text">${statusLabel(trial.status)}</span>`;
    case ColumnKind.Duration:
      return formatDuration(durationOf(trial, ctx.now));
    case ColumnKind.Started:
      return formatTime(trial.startedAt);
    case ColumnKind.Flags:
      return trial.flags.map((flag) => html`<span part="flag" class="flag">${flag}</span>`);
    case ColumnKind.Models:
      return modelsCell(trial, ctx, false);
    case ColumnKind.Mlflow:
      return trial.mlflow?.runId ? html`<span class="muted">${trial.mlflow.runId.slice(0, 8)}</span>` : '';
    default: {
      const value = columnValue(column, trial, ctx);
      if (typeof value !== 'number')
        return html`<span class="text" title=${value ?? ''}>${value ?? ''}</span>`;
      // A param keeps the text it was logged as (MLflow's `0.008630000001`) in the tooltip.
      const raw = column.kind === ColumnKind.Param ? trial.params[column.key!] : undefined;
      return typeof raw === 'string'
        ? html`<span title=${raw}>${formatNumber(value)}</span>`
        : formatNumber(value);
    }
  }
}

/** The versions as chips (links with an MLflow UI URL); the tooltip lists those the cell cuts off. */
function modelsCell(trial: Trial, ctx: ColumnContext, tabbable: boolean): TemplateResult {
  return html`<span class="models" title=${modelVersionsText(trial.models) ?? ''}
    >${modelVersionChips(trial.models, ctx.mlflowUiUrl, tabbable)}</span
  >`;
}
