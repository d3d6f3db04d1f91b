/**
 * The rows importance is computed on, from the analysis columns: trials with a finite objective and
 * every analysed param (Optuna's rule), each param numeric or categorical.
 */
import type { AnalysisData } from '../analysis/analysis-data.js';
import type { ImportanceInput, ImportanceParam } from './importance-types.js';

/** The forest's input for `data`, and sentences saying what was left out and why. */
export function importanceInput(data: AnalysisData): { input: ImportanceInput; notes: string[] } {
  const rows: number[] = [];
  for (let i = 0; i < data.trials.length; i++) {
    if (Number.isNaN(data.objective[i])) continue;
    if (data.params.every((p) => !Number.isNaN(p.values[i]))) rows.push(i);
  }
  const params: ImportanceParam[] = data.params.map((column) => ({
    name: column.name,
    kind: column.scale === 'categorical' ? 'categorical' : 'numeric',
    values: Float64Array.from(rows, (i) => column.values[i]),
    low: column.min,
    high: column.max,
    categories: column.categories.length,
  }));
  const target = Float64Array.from(rows, (i) => data.objective[i]);
  return { input: { params, target }, notes: [] };
}
