/**
 * Positions on a param or objective axis, as a fraction from 0 (bottom, or left) to 1: linear, log
 * (by decades) or categorical (one band per category). NaN means the value has no place on the
 * axis; views draw such values apart, in a "missing" band.
 */
import { formatNumber } from '../internal/format.js';
import { linearScale, logScale } from '../internal/scale.js';
import type { ParamScale } from './analysis-data.js';

/** What an axis needs of its column. */
export interface AxisDomain {
  readonly scale: ParamScale;
  readonly min: number;
  readonly max: number;
  readonly categories: readonly string[];
  /** Every value on the axis is a whole number. */
  readonly integers?: boolean;
}

/** A tick: its position (0–1) and label. */
export interface Tick {
  readonly at: number;
  readonly label: string;
}

/** The position of `value` on the axis (0–1), NaN when it has none. An axis of one value puts it mid-way. */
export function positionOf(axis: AxisDomain, value: number): number {
  if (Number.isNaN(value) || Number.isNaN(axis.min)) return Number.NaN;
  if (axis.scale === 'categorical') return (value + 0.5) / axis.categories.length;
  if (axis.min === axis.max) return 0.5;
  if (axis.scale === 'log') return Math.log(value / axis.min) / Math.log(axis.max / axis.min);
  return (value - axis.min) / (axis.max - axis.min);
}

/** Every value's position, in one pass (NaN stays NaN). */
export function positions(axis: AxisDomain, values: Float64Array): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = positionOf(axis, values[i]);
  return out;
}

/** The value at position `at` (numeric axes), the inverse of `positionOf`. */
export function valueAt(axis: AxisDomain, at: number): number {
  if (axis.min === axis.max) return axis.min;
  if (axis.scale === 'log') return axis.min * (axis.max / axis.min) ** at;
  return axis.min + at * (axis.max - axis.min);
}

/** About `count` ticks: round numbers, decades on log axes, every category (thinned when many). */
export function ticksOf(axis: AxisDomain, count = 5): Tick[] {
  if (Number.isNaN(axis.min)) return [];
  if (axis.scale === 'categorical') {
    const n = axis.categories.length;
    const every = Math.max(1, Math.ceil(n / (count * 2)));
    return axis.categories
      .map((label, i) => ({ at: (i + 0.5) / n, label }))
      .filter((_, i) => i % every === 0);
  }
  if (axis.min === axis.max) return [{ at: 0.5, label: formatNumber(axis.min) }];
  const domain = [axis.min, axis.max] as const;
  const scale = axis.scale === 'log' ? logScale(domain, [0, 1]) : linearScale(domain, [0, 1]);
  // An axis of whole numbers (an int param) is not ticked at values it cannot take.
  const values = axis.integers ? scale.ticks(count).filter(Number.isInteger) : scale.ticks(count);
  const shown = axis.scale === 'log' && values.length > count ? values.filter((v) => isDecade(v)) : values;
  return shown.map((v) => ({ at: positionOf(axis, v), label: formatNumber(v) }));
}

const isDecade = (v: number) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9;

/** A value as the axis labels it: the category, or the number. */
export function labelOf(axis: AxisDomain, value: number): string {
  if (Number.isNaN(value)) return 'missing';
  return axis.scale === 'categorical' ? (axis.categories[value] ?? '') : formatNumber(value);
}
