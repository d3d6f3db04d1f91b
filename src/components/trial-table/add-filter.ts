/**
 * The table's "Add filter" form: a metric range or a param filter (values, range) over the study's
 * columns. Loaded the first time the menu opens, with its styles; pure functions, the table owns
 * the state.
 */
import { css, html, type TemplateResult } from 'lit';
// Kinds are compared by their (type-checked) values: importing `ColumnKind` would split the
// columns module into a chunk of its own, which the first picture would pay for.
import type { TableColumn } from './columns.js';
import type { MetricRange, ParamFilter, TrialFilters } from './filter.js';

export const styles = css`
  .filter-form {
    display: grid;
    gap: 6px;
    min-width: 16rem;
  }
  .filter-form label {
    justify-content: space-between;
    align-items: center;
  }
  .filter-form input,
  .filter-form select {
    font: inherit;
    color: var(--_fg);
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 2px 6px;
    width: 9rem;
  }
  .filter-form button {
    justify-self: end;
  }
`;

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
  let min = numberOrUndefined(form.get('min'));
  let max = numberOrUndefined(form.get('max'));
  // Bounds typed the wrong way round mean the range between them, not an empty one.
  if (min !== undefined && max !== undefined && min > max) [min, max] = [max, min];
  const values = splitValues(String(form.get('values') ?? ''));
  if (column.kind === 'metric') {
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
  const choices = columns.filter((c) => c.kind === 'metric' || c.kind === 'param');
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    onSubmit(
      choices.find((c) => c.id === data.get('column')),
      data,
    );
    form.reset();
    // The form goes away with the menu: focus stays on the menu's toggle, not on the page.
    const menu = form.closest('details');
    menu?.removeAttribute('open');
    menu?.querySelector('summary')?.focus();
  };
  return html`<form class="menu filter-form" @submit=${submit}>
    <label>Column
      <select name="column">
        ${choices.map((c) => html`<option value=${c.id}>${c.kind}: ${c.label}</option>`)}
      </select>
    </label>
    <label>Minimum <input name="min" type="number" step="any" /></label>
    <label>Maximum <input name="max" type="number" step="any" /></label>
    <label>Values <input name="values" placeholder="adam, sgd" /></label>
    <button type="submit" class="action">Apply</button>
  </form>`;
}

/**
 * The values typed into the form, comma-separated; a comma inside brackets or quotes belongs to
 * its value, as in Adam's betas `(0.9, 0.999)` or `"a, b"` (the quotes are dropped).
 */
export function splitValues(text: string): string[] {
  const out: string[] = [];
  const take = (end: number) =>
    out.push(
      text
        .slice(start, end)
        .trim()
        .replace(/^(["'])(.*)\1$/s, '$2'),
    );
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      take(i);
      start = i + 1;
    }
  }
  take(text.length);
  return out.filter(Boolean);
}
