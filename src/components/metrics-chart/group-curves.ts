/**
 * Grouped curves, as W&B, Aim and MLflow's run grouping draw them: the trials that share a param's
 * (or tag's) value become one line (the mean or median over them) and a band (their min–max, or ±
 * one standard deviation). Aggregated per pixel column: each trial's mean over its points in the
 * column (linear between its neighbours in a column it has none, within its own x range), then
 * over the trials. Steps need not line up across trials, any x axis works, and a live append only
 * adds its points to its columns' running sums.
 */

import type { Trial } from '../../protocol/index.js';
import { formatNumber } from '../internal/format.js';
import { trialStyle } from '../internal/theme.js';
import type { GroupBand, GroupCurve, GroupStat } from './group-options.js';
import type { Domain } from './scales.js';
import type { SeriesView } from './series-view.js';

export { groupLegend, groupTooltip } from './group-legend.js';
export type { GroupBand, GroupCurve, GroupStat } from './group-options.js';
export { paintGroups } from './group-paint.js';

/** The group of trials without the key. */
export const NO_VALUE = '(none)';

/** A trial's value of `key`: its param, else its tag, as text. */
export function groupValue(trial: Trial, key: string): string {
  const param = trial.params[key];
  if (param !== undefined && param !== null)
    return typeof param === 'number' ? formatNumber(param) : String(param);
  return trial.tags[key] ?? NO_VALUE;
}

/** Views grouped by `key`'s value: groups in natural order of their values, `NO_VALUE` last. */
export function groupViews(views: readonly SeriesView[], key: string): Map<string, SeriesView[]> {
  const groups = new Map<string, SeriesView[]>();
  for (const view of views) {
    const value = groupValue(view.trial, key);
    const members = groups.get(value);
    if (members) members.push(view);
    else groups.set(value, [view]);
  }
  const order = [...groups.keys()].sort((a, b) =>
    a === NO_VALUE ? 1 : b === NO_VALUE ? -1 : a.localeCompare(b, undefined, { numeric: true }),
  );
  return new Map(order.map((value) => [value, groups.get(value)!]));
}

/** Per trial, the sum and count of its drawn values in each pixel column, kept up to date by appends. */
class ColumnSums {
  sums = new Float64Array(0);
  counts = new Uint32Array(0);
  /** Source points already added, and the map they were added for. */
  covered = 0;
  private key = '';

  /** Adds the view's points not yet counted; starts over when the map changed or `reset`. */
  update(view: SeriesView, domain: Domain, width: number, log: boolean, reset: boolean): void {
    const map = view.pixelMap(domain, width);
    const key = `${map.x0}|${map.scale}|${width}|${log}`;
    if (reset || key !== this.key || view.length < this.covered) {
      this.key = key;
      this.covered = 0;
      if (this.sums.length !== width) {
        this.sums = new Float64Array(width);
        this.counts = new Uint32Array(width);
      } else {
        this.sums.fill(0);
        this.counts.fill(0);
      }
    }
    const xs = view.xs;
    const ys = view.ys;
    const n = view.length;
    for (let i = this.covered; i < n; i++) {
      const y = ys[i];
      if (!(y - y === 0) || (log && y <= 0)) continue;
      const c = Math.floor((xs[i] - map.x0) * map.scale);
      if (c < 0 || c >= width) continue;
      this.sums[c] += y;
      this.counts[c]++;
    }
    this.covered = n;
  }

  /**
   * The trial's value in each column: its mean where it has points, linear between the nearest
   * such columns where it has none, NaN outside its first and last.
   */
  means(out: Float64Array): Float64Array {
    out.fill(Number.NaN);
    let previous = -1;
    for (let c = 0; c < this.counts.length; c++) {
      if (this.counts[c] === 0) continue;
      const value = this.sums[c] / this.counts[c];
      out[c] = value;
      if (previous >= 0 && c - previous > 1) {
        const from = out[previous];
        for (let k = previous + 1; k < c; k++)
          out[k] = from + ((value - from) * (k - previous)) / (c - previous);
      }
      previous = c;
    }
    return out;
  }
}

/** Grouped curves for the chart: column sums per view, combined per group at each paint. */
export class GroupAggregator {
  private readonly sums = new WeakMap<SeriesView, ColumnSums>();

  /**
   * The groups of `views` by `key` over a plot `width` device pixels wide showing `domain`.
   * `reset` counts every point again (the drawn values changed, not only grew).
   */
  curves(
    views: readonly SeriesView[],
    key: string,
    stat: GroupStat,
    band: GroupBand,
    domain: Domain,
    width: number,
    log: boolean,
    reset: boolean,
  ): GroupCurve[] {
    const out: GroupCurve[] = [];
    let index = 0;
    for (const [value, members] of groupViews(views, key)) {
      const columns = members.map((view) => {
        let sums = this.sums.get(view);
        if (!sums) {
          sums = new ColumnSums();
          this.sums.set(view, sums);
        }
        sums.update(view, domain, width, log, reset);
        return sums;
      });
      out.push({
        value,
        color: trialStyle(index++).color,
        views: members,
        ...combine(columns, width, stat, band),
      });
    }
    return out;
  }
}

/** The line and band of one group from its trials' column sums. */
function combine(
  columns: readonly ColumnSums[],
  width: number,
  stat: GroupStat,
  band: GroupBand,
): Pick<GroupCurve, 'line' | 'low' | 'high' | 'count'> {
  const line = new Float64Array(width).fill(Number.NaN);
  const low = new Float64Array(width).fill(Number.NaN);
  const high = new Float64Array(width).fill(Number.NaN);
  const count = new Uint16Array(width);
  const trials = columns.map((column) => column.means(new Float64Array(width)));
  const means: number[] = [];
  for (let c = 0; c < width; c++) {
    means.length = 0;
    for (const trial of trials) if (!Number.isNaN(trial[c])) means.push(trial[c]);
    const k = means.length;
    if (k === 0) continue;
    count[c] = k;
    let sum = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const m of means) {
      sum += m;
      if (m < min) min = m;
      if (m > max) max = m;
    }
    const mean = sum / k;
    line[c] = stat === 'median' ? median(means) : mean;
    if (band === 'minmax') {
      low[c] = min;
      high[c] = max;
    } else if (band === 'std') {
      let squares = 0;
      for (const m of means) squares += (m - mean) ** 2;
      const sd = k > 1 ? Math.sqrt(squares / (k - 1)) : 0;
      low[c] = mean - sd;
      high[c] = mean + sd;
    }
  }
  return { line, low, high, count };
}

function median(values: number[]): number {
  values.sort((a, b) => a - b);
  const mid = values.length >> 1;
  return values.length % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}
