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
  type EditAccess,
  type EditHandler,
  relativeTime,
  starToggle,
  tagChips,
} from '../internal/team-controls.js';
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
  /** When set, the `#` cell holds a button that asks for a link to its trial (see `trial-links`). */
  readonly requestLink?: (trial: Trial) => void;
  /** Whether the star and tag controls write, and why not. */
  readonly access: EditAccess;
  /** Reports a star or tag edit. */
  readonly onEdit: EditHandler;
  /** The trial whose tag input is open, if any. */
  readonly addingTagTo?: string;
  setAddingTag(trialId: string | undefined): void;
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
    const trialLink = content && column.kind === ColumnKind.Number && cells.requestLink;
    const controls = content && (column.kind === ColumnKind.Star || column.kind === ColumnKind.Tags);
    // A cell holding links or buttons hands its tab stop to them, as the ARIA grid pattern asks.
    return html`<div
      role="gridcell"
      part="cell"
      class=${column.numeric ? 'num' : ''}
      aria-colindex=${i + 1}
      tabindex=${active && !link && !modelLinks && !trialLink && !controls ? 0 : -1}
      data-col=${i}
    >
      ${
        controls
          ? teamCell(column, trial, cells, active)
          : trialLink
            ? html`${trialLinkButton(trial, trialLink, active)}${cellValue(column, trial, ctx)}`
            : modelLinks
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

/** The star toggle or the tag chips: their buttons are the cell's tab stops when it is active. */
function teamCell(column: TableColumn, trial: Trial, cells: RowCells, active: boolean): TemplateResult {
  if (column.kind === ColumnKind.Star) return starToggle(trial, cells.access, cells.onEdit, active);
  return tagChips(trial, cells.access, cells.onEdit, {
    tabbable: active,
    adding: cells.addingTagTo === trial.id,
    startAdding: () => cells.setAddingTag(trial.id),
    stopAdding: () => cells.setAddingTag(undefined),
  });
}

/** The comment count and the latest comment, its author and when. */
function commentsCell(trial: Trial): TemplateResult | string {
  const latest = trial.comments?.at(-1);
  if (!latest) return '';
  const count = trial.comments?.length ?? 0;
  const when = relativeTime(latest.editedAt ?? latest.createdAt, Date.now());
  return html`<span class="comments-cell" title="${latest.author}, ${when}: ${latest.text}"
    ><span part="comment-count" class="comment-count"
      >${count}<span class="sr-only"> comments, latest:</span></span
    >
    <span class="text">${latest.author}: ${latest.text}</span></span
  >`;
}

/** The `#` cell's button that asks the host for a link to the trial; a tab stop when its cell is. */
function trialLinkButton(
  trial: Trial,
  requestLink: (trial: Trial) => void,
  tabbable: boolean,
): TemplateResult {
  return html`<button
    part="trial-link"
    class="trial-link"
    tabindex=${tabbable ? 0 : -1}
    title="Copy a link to this trial"
    @click=${() => requestLink(trial)}
  >
    <svg aria-hidden="true" viewBox="0 0 16 16" width="12" height="12">
      <path d="M6.5 9.5l3-3M7 4.5l1.2-1.2a2.5 2.5 0 0 1 3.5 3.5L10.5 8M9 11.5l-1.2 1.2a2.5 2.5 0 0 1-3.5-3.5L5.5 8" />
    </svg>
    <span class="sr-only">Copy a link to trial ${trialLabel(trial)}</span>
  </button>`;
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
    case ColumnKind.Comments:
      return commentsCell(trial);
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
