/**
 * The axes of the parallel coordinates: one per hyperparameter and the analysed metric last, each
 * with every trial's position (0–1, NaN when missing), in the order the user chose.
 */
import type { AnalysisData, ParamColumn } from '../analysis/analysis-data.js';
import { type AxisDomain, positions } from '../analysis/axis-scale.js';

/** One vertical axis. */
export interface Axis {
  /** `param:<name>`, or `metric` for the analysed metric. */
  readonly key: string;
  readonly label: string;
  readonly domain: AxisDomain;
  /** Per analysed trial, its position on the axis (0 bottom – 1 top); NaN when it has none. */
  readonly at: Float32Array;
  readonly column?: ParamColumn;
}

export const METRIC_AXIS = 'metric';
export const paramAxisKey = (name: string) => `param:${name}`;

/** Every axis of `data`, params by name then the metric. */
export function axesOf(data: AnalysisData): Axis[] {
  const axes: Axis[] = data.params.map((column) => ({
    key: paramAxisKey(column.name),
    label: column.name,
    domain: column,
    at: positions(column, column.values),
    column,
  }));
  const metric: AxisDomain = {
    scale: 'linear',
    min: data.objectiveMin,
    max: data.objectiveMax,
    categories: [],
  };
  axes.push({ key: METRIC_AXIS, label: data.metric, domain: metric, at: positions(metric, data.objective) });
  return axes;
}

/** `axes` in the user's `order` (keys it lacks keep their place after the ordered ones). */
export function ordered(axes: readonly Axis[], order: readonly string[]): Axis[] {
  const rank = new Map(order.map((key, i) => [key, i]));
  return axes
    .map((axis, i) => ({ axis, i }))
    .sort(
      (a, b) => (rank.get(a.axis.key) ?? order.length + a.i) - (rank.get(b.axis.key) ?? order.length + b.i),
    )
    .map(({ axis }) => axis);
}

/** The order after moving `key` by `by` places (clamped). */
export function moved(keys: readonly string[], key: string, by: number): string[] {
  const from = keys.indexOf(key);
  if (from < 0) return [...keys];
  const to = Math.max(0, Math.min(keys.length - 1, from + by));
  const next = keys.filter((k) => k !== key);
  next.splice(to, 0, key);
  return next;
}

/** At most `max` trial indices to draw: all of them, or an even stride through them (always keeping `keep`). */
export function drawnIndices(count: number, max: number, keep: readonly number[] = []): Uint32Array {
  if (count <= max) return Uint32Array.from({ length: count }, (_, i) => i);
  const stride = count / max;
  const picked = new Set<number>();
  for (let k = 0; k < max; k++) picked.add(Math.floor(k * stride));
  for (const i of keep) picked.add(i);
  return Uint32Array.from([...picked].sort((a, b) => a - b));
}
