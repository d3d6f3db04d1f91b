/**
 * The table's range and value filters as UI: a small form that adds a metric range or a param
 * filter, and one removable chip per active filter. Pure functions of the filters; the table owns
 * the state.
 */
import { html, type TemplateResult } from 'lit';
import { ColumnKind, type TableColumn } from './columns.js';
import type { MetricRange, ParamFilter, TrialFilters } from './filter.js';

/** One active metric or param filter, described for a chip. */
export interface FilterChip {
  readonly label: string;
  /** The filters without this one. */
  readonly without: TrialFilters;
}

function rangeText(name: string, min?: number, max?: number): string {
  if (min !== undefined && max !== undefined) return `${min} ≤ ${name} ≤ ${max}`;
  return min !== undefined ? `${name} ≥ ${min}` : `${name} ≤ ${max}`;
}

/** The metric ranges and param filters, each with the filters that remain when it is removed. */
export function filterChips(filters: TrialFilters): FilterChip[] {
  const metrics = filters.metrics ?? [];
  const params = filters.params ?? [];
  return [
    ...metrics.map((m, i) => ({
      label: rangeText(m.key, m.min, m.max),
      without: { ...filters, metrics: metrics.filter((_, j) => j !== i) },
    })),
    ...params.map((p, i) => ({
      label: [
        p.values?.length ? `${p.name} = ${p.values.join(' | ')}` : '',
        p.min !== undefined || p.max !== undefined ? rangeText(p.name, p.min, p.max) : '',
      ]
        .filter(Boolean)
        .join(', '),
      without: { ...filters, params: params.filter((_, j) => j !== i) },
    })),
  ];
}

const numberOrUndefined = (text: FormDataEntryValue | null) =>
  typeof text === 'string' && text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : undefined;

/**
 * The filters with the form's filter added (replacing one on the same column), or undefined when
 * the form names no column or no condition.
 */
export function applyForm(
  filters: TrialFilters,
  column: TableColumn | undefined,
  form: FormData,
): TrialFilters | undefined {
  if (!column?.key) return undefined;
  const min = numberOrUndefined(form.get('min'));
  const max = numberOrUndefined(form.get('max'));
  const values = String(form.get('values') ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  if (column.kind === ColumnKind.Metric) {
    if (min === undefined && max === undefined) return undefined;
    const range: MetricRange = { key: column.key, min, max };
    return { ...filters, metrics: [...(filters.metrics ?? []).filter((m) => m.key !== column.key), range] };
  }
  if (min === undefined && max === undefined && !values.length) return undefined;
  const param: ParamFilter = { name: column.key, values: values.length ? values : undefined, min, max };
  return { ...filters, params: [...(filters.params ?? []).filter((p) => p.name !== column.key), param] };
}

/** The "Add filter" form over the metric and param columns. */
export function filterForm(
  columns: readonly TableColumn[],
  onSubmit: (column: TableColumn | undefined, form: FormData) => void,
): TemplateResult {
  const choices = columns.filter((c) => c.kind === ColumnKind.Metric || c.kind === ColumnKind.Param);
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    onSubmit(
      choices.find((c) => c.id === data.get('column')),
      data,
    );
    form.reset();
    form.closest('details')?.removeAttribute('open');
  };
  return html`<form class="menu filter-form" @submit=${submit}>
    <label>Column
      <select name="column">
        ${choices.map((c) => html`<option value=${c.id}>${c.kind === ColumnKind.Metric ? 'metric' : 'param'}: ${c.label}</option>`)}
      </select>
    </label>
    <label>Minimum <input name="min" type="number" step="any" /></label>
    <label>Maximum <input name="max" type="number" step="any" /></label>
    <label>Values <input name="values" placeholder="adam, sgd" /></label>
    <button type="submit" class="action">Apply</button>
  </form>`;
}
