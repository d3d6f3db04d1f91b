/**
 * The table's active range and value filters, one removable chip each (the form that adds them is
 * `add-filter.ts`). A pure function of the filters; the table owns the state.
 */
import type { TrialFilters } from './filter.js';

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
