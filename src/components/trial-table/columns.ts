/**
 * The trial table's column model: which columns a study offers, and the value each column holds for
 * a trial. One value function serves sorting, filtering and CSV export, so what is sorted is what
 * is exported; cells format the same value for display (see `format.ts`).
 */
import type { TrialStore } from '../../client/index.js';
import type { Study, Trial } from '../../protocol/index.js';
import { ownValue } from '../../protocol/own.js';
import { modelVersionsText } from '../internal/model-versions.js';
import { paramNumber } from '../internal/param-number.js';

export const ColumnKind = {
  Status: 'status',
  Star: 'starred',
  Number: 'number',
  Name: 'name',
  Id: 'id',
  Metric: 'metric',
  Param: 'param',
  Duration: 'duration',
  Started: 'started',
  Flags: 'flags',
  Tags: 'tags',
  Comments: 'comments',
  Models: 'models',
  Mlflow: 'mlflow',
} as const;
export type ColumnKind = (typeof ColumnKind)[keyof typeof ColumnKind];

/** One column the table can show. */
export interface TableColumn {
  /** Stable id: `status`, `starred`, `number`, `name`, `id`, `metric:<key>`, `param:<name>`, `duration`, `started`, `flags`, `tags`, `comments`, `models`, `mlflow`. */
  readonly id: string;
  readonly kind: ColumnKind;
  /** Header text (a metric key or param name for those columns). */
  readonly label: string;
  /** The metric key or param name, for `metric` and `param` columns. */
  readonly key?: string;
  /** Width in CSS pixels. */
  readonly width: number;
  /** Right-aligned, tabular figures. */
  readonly numeric: boolean;
}

/** Which value of a metric series a metric column shows. */
export type MetricValue = 'last' | 'best';

/** What a column needs, besides the trial, to compute its value. */
export interface ColumnContext {
  readonly store: TrialStore;
  readonly study?: Study;
  readonly metricValue: MetricValue;
  /** Base URL of the MLflow UI; without it the MLflow and Models columns hold no links. */
  readonly mlflowUiUrl?: string;
  /** "Now" for the duration of running trials, fixed per computation so that a sort is consistent. */
  readonly now: number;
}

/** A cell's value: numbers stay numbers (export writes them raw), `undefined` is missing. */
export type CellValue = number | string | undefined;

export const metricColumnId = (key: string) => `metric:${key}`;
export const paramColumnId = (name: string) => `param:${name}`;

/** Room for a header label of this length (and its sort mark), within bounds; numbers need ten digits. */
const widthFor = (label: string, numeric = true) =>
  Math.max(numeric ? 104 : 88, Math.min(200, 34 + label.length * 8));

const fixed = (id: ColumnKind, label: string, width: number, numeric: boolean): TableColumn => ({
  id,
  kind: id,
  label,
  width,
  numeric,
});

/**
 * Every column a study offers, in display order: status, number, name, metrics (objective first),
 * params (in the map's order; `true` for numeric ones), duration, started, flags, then the team's
 * star, tags and comments, registered models (only `withModels`, when some trial has one), MLflow link, id.
 */
export function availableColumns(
  study: Study | undefined,
  metricKeys: readonly string[],
  params: ReadonlyMap<string, boolean>,
  withModels = false,
): TableColumn[] {
  const objective = study?.objective?.metric;
  const metrics = [...metricKeys].sort((a, b) => Number(b === objective) - Number(a === objective));
  return [
    fixed('status', 'Status', 118, false),
    fixed('number', '#', 88, true),
    fixed('name', 'Name', 140, false),
    ...metrics.map((key) => ({
      id: metricColumnId(key),
      kind: ColumnKind.Metric,
      label: key,
      key,
      width: widthFor(key),
      numeric: true,
    })),
    ...[...params].map(([name, numeric]) => ({
      id: paramColumnId(name),
      kind: ColumnKind.Param,
      label: name,
      key: name,
      width: widthFor(name, numeric),
      numeric,
    })),
    fixed('duration', 'Duration', 92, true),
    fixed('started', 'Started', 132, false),
    fixed('flags', 'Flags', 150, false),
    fixed('starred', 'Star', 64, false),
    fixed('tags', 'Tags', 220, false),
    fixed('comments', 'Comments', 240, false),
    ...(withModels ? [fixed('models', 'Models', 220, false)] : []),
    fixed('mlflow', 'MLflow', 76, false),
    fixed('id', 'Id', 180, false),
  ];
}

/** The columns shown when the host has not chosen: all but the trial id (the number says the same). */
export function defaultColumnIds(columns: readonly TableColumn[]): string[] {
  return columns.filter((c) => c.kind !== ColumnKind.Id).map((c) => c.id);
}

/**
 * Adds the params of `trial` to `params` (name -> whether every value seen is or spells a number,
 * which right-aligns the column). Returns whether anything changed.
 */
export function learnParams(params: Map<string, boolean>, trial: Trial): boolean {
  let changed = false;
  for (const name in trial.params) {
    const numeric = paramNumber(trial.params[name]) !== undefined;
    const known = params.get(name);
    if (known === undefined || (known && !numeric)) {
      params.set(name, numeric);
      changed = true;
    }
  }
  return changed;
}

/** Which way is better for the study's metrics: its objective's direction, else smaller. */
export function directionOf(study: Study | undefined): 'minimize' | 'maximize' {
  return study?.objective?.direction ?? 'minimize';
}

/** The value of a metric for a trial: its latest point, or its best by the study's direction. */
export function metricValueOf(trial: Trial, key: string, ctx: ColumnContext): number | undefined {
  if (ctx.metricValue === 'last') return ctx.store.lastValue(trial.id, key);
  return ctx.store.bestValue(trial.id, key, directionOf(ctx.study));
}

/** Seconds the trial ran (or has been running), or undefined before it started. */
export function durationOf(trial: Trial, now: number): number | undefined {
  if (trial.startedAt === undefined) return undefined;
  const end = trial.endedAt ?? (trial.status === 'running' ? now : undefined);
  return end === undefined ? undefined : Math.max(0, (end - trial.startedAt) / 1000);
}

/** `{base}/#/experiments/{experimentId}/runs/{runId}`, ids encoded, or undefined without a run. */
export function mlflowRunUrl(trial: Trial, base: string | undefined): string | undefined {
  if (!base || !trial.mlflow?.runId) return undefined;
  const { experimentId, runId } = trial.mlflow;
  return `${base.replace(/\/+$/, '')}/#/experiments/${encodeURIComponent(experimentId)}/runs/${encodeURIComponent(runId)}`;
}

/** The value of one column for one trial, as sorted, filtered and exported. */
export function columnValue(column: TableColumn, trial: Trial, ctx: ColumnContext): CellValue {
  switch (column.kind) {
    case ColumnKind.Status:
      return trial.status;
    case ColumnKind.Number:
      return trial.number;
    case ColumnKind.Name:
      return trial.name;
    case ColumnKind.Id:
      return trial.id;
    case ColumnKind.Metric:
      return metricValueOf(trial, column.key!, ctx);
    case ColumnKind.Param: {
      const value = ownValue(trial.params, column.key!);
      return typeof value === 'boolean' ? String(value) : (paramNumber(value) ?? value);
    }
    case ColumnKind.Duration:
      return durationOf(trial, ctx.now);
    case ColumnKind.Started:
      return trial.startedAt;
    case ColumnKind.Flags:
      return trial.flags.length ? trial.flags.join(' ') : undefined;
    case ColumnKind.Star:
      return trial.starred ? 1 : undefined;
    case ColumnKind.Tags:
      return tagsText(trial);
    case ColumnKind.Comments:
      return trial.comments?.length || undefined;
    case ColumnKind.Models:
      return modelVersionsText(trial.models);
    case ColumnKind.Mlflow:
      return mlflowRunUrl(trial, ctx.mlflowUiUrl);
  }
}

/** The tags as one text (`key` or `key=value`, space-separated), as sorted and exported. */
function tagsText(trial: Trial): string | undefined {
  const parts = Object.entries(trial.tags).map(([k, v]) => (v === '' ? k : `${k}=${v}`));
  return parts.length ? parts.join(' ') : undefined;
}

/** The CSV header of a column: the metric key or param name, else a machine-friendly name. */
export function csvHeader(column: TableColumn): string {
  if (column.key !== undefined) return column.key;
  return column.kind === ColumnKind.Duration
    ? 'duration_s'
    : column.kind === ColumnKind.Mlflow
      ? 'mlflow_url'
      : column.kind;
}

/** The value written to CSV: the column value, with times as ISO 8601 text and params as logged. */
export function exportValue(column: TableColumn, trial: Trial, ctx: ColumnContext): CellValue {
  const raw = column.kind === ColumnKind.Param ? trial.params[column.key!] : undefined;
  if (typeof raw === 'string') return raw;
  const value = columnValue(column, trial, ctx);
  return column.kind === ColumnKind.Started && value !== undefined
    ? new Date(value as number).toISOString()
    : value;
}
