/**
 * The side-by-side comparison of selected trials: one row per hyperparameter (and the flags), one
 * column per trial, each row marked when the trials do not all agree.
 */
import type { ParamValue, Trial } from '../../protocol/index.js';

export interface CompareRow {
  /** The hyperparameter name, or `flags`. */
  readonly name: string;
  /** One cell per trial, in the trials' order; undefined where a trial lacks the parameter. */
  readonly values: readonly (ParamValue | undefined)[];
  /** True when not every trial has the same value (a missing value differs from any value). */
  readonly differs: boolean;
}

/** Rows for the given trials: parameters in name order, then a `flags` row when any trial has one. */
export function compareTrials(trials: readonly Trial[]): CompareRow[] {
  const names = [...new Set(trials.flatMap((trial) => Object.keys(trial.params)))].sort();
  const rows = names.map((name) =>
    row(
      name,
      trials.map((trial) => trial.params[name]),
    ),
  );
  if (trials.some((trial) => trial.flags.length)) {
    rows.push(
      row(
        'flags',
        trials.map((trial) => [...trial.flags].sort().join(', ') || undefined),
      ),
    );
  }
  return rows;
}

function row(name: string, values: (ParamValue | undefined)[]): CompareRow {
  return { name, values, differs: values.some((value) => !Object.is(value, values[0])) };
}

/** A parameter value as shown in a cell: numbers compactly, missing ones as an en dash. */
export function formatParam(value: ParamValue | undefined): string {
  if (value === undefined) return '–';
  if (typeof value === 'number') return formatNumber(value);
  return String(value);
}

/** A metric or parameter number in at most 4 significant digits, exponent form when very small or large. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e6) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return value.toExponential(2);
  return String(Number(value.toPrecision(4)));
}
