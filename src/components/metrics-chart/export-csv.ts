/**
 * The chart's visible window as CSV: for each trial, every point whose x is on screen, with its
 * exact logged values (not the per-pixel reduction the canvas draws). Cells are escaped by the
 * trial table's writer, so a trial named `=HYPERLINK(…)` stays text in a spreadsheet.
 */
import type { CellValue } from '../trial-table/columns.js';
import { toCsv } from '../trial-table/csv.js';
import type { Domain } from './scales.js';
import type { SeriesView } from './series-view.js';

/**
 * Rows `trial_id, trial_name, step, timestamp[, <x metric>], value[, smoothed]` for the points of
 * `views` whose axis x lies in `xDomain` (all points when undefined); the x metric's column (its
 * value paired with the point's step) is written when another metric is the x axis, `smoothed`
 * while smoothing.
 */
export function chartCsv(
  views: readonly SeriesView[],
  xDomain: Domain | undefined,
  xMetric?: string,
): string {
  const smoothing = views.some((view) => view.smoothing);
  const header = ['trial_id', 'trial_name', 'step', 'timestamp', 'value'];
  if (xMetric !== undefined) header.splice(4, 0, xMetric);
  if (smoothing) header.push('smoothed');
  return toCsv(header, rows(views, xDomain, smoothing, xMetric !== undefined));
}

function* rows(
  views: readonly SeriesView[],
  xDomain: Domain | undefined,
  smoothing: boolean,
  withX: boolean,
): Generator<CellValue[]> {
  for (const view of views) {
    const { steps, timestamps, values } = view.series;
    const drawn = view.ys;
    for (let i = 0; i < view.length; i++) {
      const x = view.axisX(i);
      if (xDomain && !(x >= xDomain[0] && x <= xDomain[1])) continue;
      const row: CellValue[] = [view.trial.id, view.trial.name, steps[i], isoTime(timestamps[i])];
      if (withX) row.push(Number.isNaN(x) ? undefined : x);
      row.push(values[i]);
      if (smoothing) row.push(view.smoothing ? drawn[i] : undefined);
      yield row;
    }
  }
}

function isoTime(ms: number): string | undefined {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}
