/**
 * The table's filters applied to the analysed trials, with the table's own predicate (so a trial is
 * emphasised in a view exactly when the table keeps it). Metric ranges read the metric's last value,
 * as the table shows it by default.
 */
import type { TrialStore } from '../../client/index.js';
import { compileFilter, searchTextOf, type TrialFilters } from '../trial-table/filter.js';
import type { AnalysisData } from './analysis-data.js';

/** Per analysed trial, 1 when the filters keep it; undefined when they keep every trial. */
export function filterMask(
  store: TrialStore,
  data: AnalysisData,
  filters: TrialFilters,
): Uint8Array | undefined {
  const metrics = new Map<string, Float64Array>();
  const test = compileFilter(filters, {
    trial: (i) => data.trials[i],
    metric: (key) => {
      let column = metrics.get(key);
      if (!column) {
        column = new Float64Array(data.trials.length);
        for (let i = 0; i < column.length; i++)
          column[i] = store.lastValue(data.trials[i].id, key) ?? Number.NaN;
        metrics.set(key, column);
      }
      return column;
    },
    searchText: (i) => searchTextOf(data.trials[i]),
  });
  if (!test) return undefined;
  const mask = new Uint8Array(data.trials.length);
  for (let i = 0; i < mask.length; i++) mask[i] = test(i) ? 1 : 0;
  return mask;
}
