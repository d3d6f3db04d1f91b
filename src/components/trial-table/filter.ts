/**
 * Filtering the table: the filter shape a host sets, and its compilation into one predicate over
 * row indices. Predicates read trial objects, precomputed metric keys and precomputed search text,
 * so a 100,000-row pass costs a few milliseconds.
 */
import type { ParamValue, Trial, TrialStatus } from '../../protocol/index.js';
import { ownValue } from '../../protocol/own.js';
import { paramNumber } from '../internal/param-number.js';

/** Keep trials whose metric (as the table shows it: latest or best) is within [min, max]. */
export interface MetricRange {
  readonly key: string;
  readonly min?: number;
  readonly max?: number;
}

/** Keep trials whose param equals one of `values`, and/or is (or spells) a number within [min, max]. */
export interface ParamFilter {
  readonly name: string;
  readonly values?: readonly ParamValue[];
  readonly min?: number;
  readonly max?: number;
}

/** What the table shows: every given condition must hold. An empty object shows every trial. */
export interface TrialFilters {
  /** Keep these statuses only. */
  readonly status?: readonly TrialStatus[];
  /** Keep trials carrying every one of these flags. */
  readonly flags?: readonly string[];
  /** Keep starred trials only. */
  readonly starred?: boolean;
  /** Keep trials carrying every one of these tag keys. */
  readonly tags?: readonly string[];
  readonly metrics?: readonly MetricRange[];
  readonly params?: readonly ParamFilter[];
  /** Words that must all appear (case-insensitive) in the number, name, id, status, text params, flags, tags, notes or comments. */
  readonly text?: string;
}

/** How a predicate reads a row. */
export interface FilterSource {
  trial(index: number): Trial;
  /** The metric key of a row (NaN when missing). */
  metric(key: string): Float64Array;
  /** The row's search text, lower-case. */
  searchText(index: number): string;
}

/**
 * The lower-case text a search looks through. Numeric params are left out: formatting two million
 * numbers would cost more than the search, and their ranges are what `params` filters are for.
 */
export function searchTextOf(trial: Trial): string {
  const parts = [`#${trial.number}`, trial.name ?? '', trial.id, trial.status, ...trial.flags];
  for (const name in trial.params) {
    const value = trial.params[name];
    if (typeof value !== 'number') parts.push(`${name}=${value}`);
  }
  for (const name in trial.tags) parts.push(trial.tags[name]);
  if (trial.notes) parts.push(trial.notes);
  for (const key in trial.tags) parts.push(key);
  for (const comment of trial.comments ?? []) parts.push(comment.text);
  return parts.join('\u0001').toLowerCase();
}

const within = (value: number, min?: number, max?: number) =>
  !Number.isNaN(value) && (min === undefined || value >= min) && (max === undefined || value <= max);

/** True when the filters keep every trial. */
export function isEmptyFilter(filters: TrialFilters): boolean {
  return (
    !filters.status?.length &&
    !filters.flags?.length &&
    !filters.starred &&
    !filters.tags?.length &&
    !filters.metrics?.length &&
    !filters.params?.length &&
    !filters.text?.trim()
  );
}

/** One predicate for all the filters, or undefined when they keep everything. */
export function compileFilter(
  filters: TrialFilters,
  source: FilterSource,
): ((index: number) => boolean) | undefined {
  if (isEmptyFilter(filters)) return undefined;
  const tests: ((index: number) => boolean)[] = [];
  if (filters.status?.length) {
    const statuses = new Set(filters.status);
    tests.push((i) => statuses.has(source.trial(i).status));
  }
  if (filters.flags?.length) {
    const flags = filters.flags;
    tests.push((i) => {
      const own = source.trial(i).flags;
      return flags.every((f) => own.includes(f));
    });
  }
  if (filters.starred) tests.push((i) => source.trial(i).starred === true);
  if (filters.tags?.length) {
    const keys = filters.tags;
    tests.push((i) => {
      const own = source.trial(i).tags;
      return keys.every((k) => Object.hasOwn(own, k));
    });
  }
  for (const range of filters.metrics ?? []) {
    const data = source.metric(range.key);
    tests.push((i) => within(data[i], range.min, range.max));
  }
  for (const param of filters.params ?? []) tests.push(paramTest(param, source));
  const words = filters.text?.toLowerCase().split(/\s+/).filter(Boolean) ?? [];
  if (words.length) {
    tests.push((i) => {
      const text = source.searchText(i);
      return words.every((w) => text.includes(w));
    });
  }
  return (i) => tests.every((test) => test(i));
}

function paramTest(param: ParamFilter, source: FilterSource): (index: number) => boolean {
  // Compare as text so that "3" from a query string matches the number 3.
  const values = param.values?.length ? new Set(param.values.map(String)) : undefined;
  const ranged = param.min !== undefined || param.max !== undefined;
  return (i) => {
    const value = ownValue(source.trial(i).params, param.name);
    if (value === undefined) return false;
    if (values && !values.has(String(value))) return false;
    if (!ranged) return true;
    const number = paramNumber(value);
    return number !== undefined && within(number, param.min, param.max);
  };
}
