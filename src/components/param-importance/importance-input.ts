/**
 * The rows importance is computed on, from the analysis columns, as Optuna chooses them: trials
 * with a finite objective and every analysed param. A param missing on most trials is left out
 * rather than losing those trials. Numeric params keep their own units (log params too, as
 * Optuna's fANOVA) within the bounds the search space declares; params the search space declares
 * as a choice are categorical even when their values are numbers.
 */
import { type AnalysisData, count, type ParamColumn } from '../analysis/analysis-data.js';
import { declaredBounds, declaredChoices } from '../analysis/search-space.js';
import type { ImportanceInput, ImportanceParam } from './importance-types.js';

/** Rows fitted at most; more trials are sampled evenly (every k-th by number). */
export const MAX_ROWS = 10_000;
/** One-hot columns a categorical param may have (the forest's `MAX_CATEGORIES`); the rarest fold into one. */
export const MAX_CATEGORIES = 12;
/** A param missing on more than this share of the trials is left out instead of those trials. */
const MISSING_SHARE = 0.5;

/** The forest's input, what was left out on the way, and why nothing can be ranked, if so. */
export interface ImportanceRows {
  readonly input: ImportanceInput;
  /** Sentences saying what was left out, folded or sampled. */
  readonly notes: string[];
  /** Why no param can be ranked (no params, under two rows, a constant objective); else undefined. */
  readonly unrankable?: string;
}

/** The forest's input for `data`: only the trials `keep` marks 1, when given (those the filters keep). */
export function importanceInput(data: AnalysisData, keep?: Uint8Array): ImportanceRows {
  const notes: string[] = [];
  const scored: number[] = [];
  let filteredOut = 0;
  for (let i = 0; i < data.trials.length; i++) {
    if (Number.isNaN(data.objective[i])) continue;
    if (!keep || keep[i]) scored.push(i);
    else filteredOut++;
  }

  const kept: ParamColumn[] = [];
  for (const column of data.params) {
    let missing = 0;
    for (const i of scored) if (Number.isNaN(column.values[i])) missing++;
    if (missing > MISSING_SHARE * scored.length)
      notes.push(
        `${column.name} left out: missing on ${missing.toLocaleString('en-US')} of ${count(scored.length, 'trial')}.`,
      );
    else kept.push(column);
  }
  let rows = scored.filter((i) => kept.every((column) => !Number.isNaN(column.values[i])));
  if (rows.length < scored.length) {
    const lacking = kept
      .filter((column) => scored.some((i) => Number.isNaN(column.values[i])))
      .map((c) => c.name);
    notes.push(`${count(scored.length - rows.length, 'trial')} left out for want of ${lacking.join(', ')}.`);
  }
  if (rows.length > MAX_ROWS) {
    notes.push(
      `Fitted on an even sample of ${count(MAX_ROWS, 'trial')} of ${rows.length.toLocaleString('en-US')}.`,
    );
    const all = rows;
    rows = Array.from({ length: MAX_ROWS }, (_, k) => all[Math.floor((k * all.length) / MAX_ROWS)]);
  }

  const bounds = declaredBounds(data.study.searchSpace);
  const choices = declaredChoices(data.study.searchSpace);
  const params = kept.map((column) =>
    column.scale === 'categorical' || choices.has(column.name)
      ? categoricalParam(column, rows, notes)
      : numericParam(column, rows, bounds.get(column.name)),
  );
  const target = Float64Array.from(rows, (i) => data.objective[i]);
  const unrankable = !params.length
    ? 'No params to rank.'
    : rows.length < 2
      ? `Ranking needs two trials with ${data.metric} and every param; ${count(rows.length, 'trial')} here${filteredOut ? `, with ${filteredOut.toLocaleString('en-US')} left out by the filters` : ''}.`
      : target.every((y) => y === target[0])
        ? `Every trial has the same ${data.metric}: no param explains any of it.`
        : undefined;
  return { input: { params, target }, notes, ...(unrankable && { unrankable }) };
}

/** Raw values within the declared bounds, widened to the values seen (a stale declaration must not cut them). */
function numericParam(
  column: ParamColumn,
  rows: readonly number[],
  declared?: readonly [number, number],
): ImportanceParam {
  const values = Float64Array.from(rows, (i) => column.values[i]);
  let low = declared ? declared[0] : Number.POSITIVE_INFINITY;
  let high = declared ? declared[1] : Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < low) low = v;
    if (v > high) high = v;
  }
  if (!values.length) low = high = 0;
  return { name: column.name, kind: 'numeric', values, low, high, categories: 0 };
}

/**
 * Category indices among the categories these rows hold; past `MAX_CATEGORIES`, the rarest share
 * the last index. A numeric column declared as a choice takes its distinct values as categories.
 */
function categoricalParam(column: ParamColumn, rows: readonly number[], notes: string[]): ImportanceParam {
  const frequency = new Map<number, number>();
  for (const i of rows) frequency.set(column.values[i], (frequency.get(column.values[i]) ?? 0) + 1);
  let present = [...frequency.keys()].sort((a, b) => a - b);
  if (present.length > MAX_CATEGORIES) {
    const common = new Set(
      [...present]
        .sort((a, b) => frequency.get(b)! - frequency.get(a)! || a - b)
        .slice(0, MAX_CATEGORIES - 1),
    );
    notes.push(
      `${column.name}: ${present.length} categories; the ${present.length - MAX_CATEGORIES + 1} rarest counted as one.`,
    );
    present = present.filter((v) => common.has(v));
  }
  const index = new Map(present.map((v, k) => [v, k]));
  const folded = present.length < frequency.size;
  const values = Float64Array.from(rows, (i) => index.get(column.values[i]) ?? present.length);
  const categories = present.length + (folded ? 1 : 0);
  return {
    name: column.name,
    kind: 'categorical',
    values,
    low: 0,
    high: Math.max(0, categories - 1),
    categories,
  };
}
