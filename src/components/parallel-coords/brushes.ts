/**
 * Brushes: a range (0–1, bottom to top) on some axes. They keep a trial when every brushed axis
 * places it within its range, and they amount to table filters — param ranges (numeric axes),
 * param values (categorical axes) and a metric range (the metric axis) — read back the same way,
 * so brushes survive a round trip through the dashboard, the URL and the table's filter form.
 */
import { labelOf, positionOf, valueAt } from '../analysis/axis-scale.js';
import type { MetricRange, ParamFilter, TrialFilters } from '../trial-table/filter.js';
import { type Axis, METRIC_AXIS } from './axes.js';

/** Float32's rounding of a position in [0, 1] is below this. */
const FLOAT32_SLACK = 1e-7;

/** A brushed range on one axis, as fractions from its bottom. */
export type Brush = readonly [lo: number, hi: number];

/**
 * Per trial, 1 when every brush (and `base`, when given) keeps it; undefined when nothing filters.
 * Returns the count kept too.
 */
export function keptBy(
  axes: readonly Axis[],
  brushes: ReadonlyMap<string, Brush>,
  count: number,
  base?: Uint8Array,
): { mask?: Uint8Array; kept: number } {
  const active = axes.filter((a) => brushes.has(a.key));
  if (!active.length && !base) return { kept: count };
  const mask = base ? base.slice() : new Uint8Array(count).fill(1);
  let kept = base ? base.reduce((sum, v) => sum + v, 0) : count;
  for (const axis of active) {
    // Positions are float32: a value on a brush's edge may sit a hair outside it (0.8 is 0.80000001).
    const [lo, hi] = brushes.get(axis.key)!;
    const at = axis.at;
    for (let i = 0; i < count; i++) {
      if (mask[i] && !(at[i] >= lo - FLOAT32_SLACK && at[i] <= hi + FLOAT32_SLACK)) {
        mask[i] = 0;
        kept--;
      }
    }
  }
  return { mask, kept };
}

/**
 * `filters` with the conditions the brushes stand for replaced by what the brushes say now. A
 * condition no brush can say (a value list on a numeric axis, categories that are not neighbours)
 * stays as it is, unless its axis is brushed now: then the brush replaces it.
 */
export function brushFilters(
  filters: TrialFilters,
  axes: readonly Axis[],
  brushes: ReadonlyMap<string, Brush>,
  metric: string,
): TrialFilters {
  const params: ParamFilter[] = (filters.params ?? []).filter((p) => {
    const axis = axes.find((a) => a.column?.name === p.name);
    return !axis || (!brushes.has(axis.key) && !brushSays(axis, p));
  });
  const metrics: MetricRange[] = (filters.metrics ?? []).filter((m) => m.key !== metric);
  for (const axis of axes) {
    const brush = brushes.get(axis.key);
    if (!brush) continue;
    if (axis.key === METRIC_AXIS) {
      metrics.push({ key: metric, min: valueAt(axis.domain, brush[0]), max: valueAt(axis.domain, brush[1]) });
    } else if (axis.domain.scale === 'categorical') {
      const n = axis.domain.categories.length;
      const values = axis.domain.categories.filter((_, i) => {
        const at = (i + 0.5) / n;
        return at >= brush[0] && at <= brush[1];
      });
      params.push({ name: axis.label, values: values.length ? values : ['\u0000none'] });
    } else {
      params.push({
        name: axis.label,
        min: valueAt(axis.domain, brush[0]),
        max: valueAt(axis.domain, brush[1]),
      });
    }
  }
  const { params: _p, metrics: _m, ...rest } = filters;
  return { ...rest, ...(params.length && { params }), ...(metrics.length && { metrics }) };
}

/** The brushes `filters` amount to on `axes` (the inverse of `brushFilters`). */
export function brushesFrom(
  filters: TrialFilters,
  axes: readonly Axis[],
  metric: string,
): Map<string, Brush> {
  const out = new Map<string, Brush>();
  for (const axis of axes) {
    const { domain } = axis;
    if (Number.isNaN(domain.min)) continue;
    if (axis.key === METRIC_AXIS) {
      const range = filters.metrics?.find((m) => m.key === metric);
      if (range) out.set(axis.key, numericBrush(axis, range.min, range.max));
      continue;
    }
    const filter = filters.params?.find((p) => p.name === axis.label);
    if (!filter || !brushSays(axis, filter)) continue;
    if (domain.scale === 'categorical') {
      const n = domain.categories.length;
      const wanted = new Set((filter.values ?? []).map(String));
      const hits = domain.categories.map((c, i) => (wanted.has(c) ? i : -1)).filter((i) => i >= 0);
      if (hits.length) out.set(axis.key, [hits[0] / n, (hits[hits.length - 1] + 1) / n]);
    } else if (filter.min !== undefined || filter.max !== undefined) {
      out.set(axis.key, numericBrush(axis, filter.min, filter.max));
    }
  }
  return out;
}

/**
 * Whether a brush on `axis` can say exactly what `filter` does: a range on a numeric axis, a run of
 * neighbouring categories on a categorical one.
 */
function brushSays(axis: Axis, filter: ParamFilter): boolean {
  const ranged = filter.min !== undefined || filter.max !== undefined;
  if (axis.domain.scale !== 'categorical') return ranged && !filter.values;
  if (ranged) return false;
  const { categories } = axis.domain;
  const at = [...new Set((filter.values ?? []).map((v) => categories.indexOf(String(v))))].sort(
    (a, b) => a - b,
  );
  return at.length > 0 && at[0] >= 0 && at[at.length - 1] - at[0] === at.length - 1;
}

function numericBrush(axis: Axis, min?: number, max?: number): Brush {
  const at = (v: number | undefined, fallback: number) => {
    if (v === undefined || axis.domain.min === axis.domain.max) return fallback;
    const p = positionOf(axis.domain, v);
    return Number.isNaN(p) ? fallback : Math.max(0, Math.min(1, p));
  };
  return [at(min, 0), at(max, 1)];
}

/** A brush while it is dragged to `at`: moved by its grab point (`offset`), or spanning from `anchor`. */
export function draggedBrush(
  drag: { readonly anchor: number; readonly offset?: number },
  held: Brush | undefined,
  at: number,
): Brush {
  if (drag.offset !== undefined && held) {
    const width = held[1] - held[0];
    const start = Math.max(0, Math.min(1 - width, at - drag.offset));
    return [start, start + width];
  }
  return [Math.min(drag.anchor, at), Math.max(drag.anchor, at)];
}

/** Brush steps of the arrow keys. */
const KEY_STEP = 0.05;

/**
 * The brush after a key on its axis: Enter or Space brushes the middle half (of `categories`, the
 * middle one), as does an arrow on an axis without a brush; Delete, Backspace or Escape clears
 * (`next` undefined); Up or Right moves the brush up, Down or Left down (with Shift, its top end
 * only) by a step, or by a category on a categorical axis. Undefined for a key that does nothing.
 */
export function brushAfterKey(
  brush: Brush | undefined,
  key: string,
  shift: boolean,
  categories?: number,
): { next: Brush | undefined } | undefined {
  const step = categories ? 1 / categories : KEY_STEP;
  const middle = categories ? Math.floor((categories - 1) / 2) * step : 0.25;
  const up = key === 'ArrowUp' || key === 'ArrowRight';
  const arrow = up || key === 'ArrowDown' || key === 'ArrowLeft';
  if (key === 'Enter' || key === ' ' || (arrow && !brush))
    return { next: brush ?? [middle, categories ? middle + step : 0.75] };
  if (key === 'Delete' || key === 'Backspace' || key === 'Escape') return { next: undefined };
  if (!brush || !arrow) return undefined;
  const d = up ? step : -step;
  const narrowest = categories ? step : 0.01;
  if (shift) return { next: [brush[0], snapped(Math.max(brush[0] + narrowest, Math.min(1, brush[1] + d)))] };
  const by = Math.max(-brush[0], Math.min(1 - brush[1], d));
  return { next: [snapped(brush[0] + by), snapped(brush[1] + by)] };
}

/**
 * A keyed brush end without the drift of repeated steps: five steps down from 0.25 end at 1e-17,
 * not 0, which would leave out the trials at the axis's bottom (and 0.5 - 1e-16 those at its middle).
 */
function snapped(at: number): number {
  return Math.round(at * 1e9) / 1e9;
}

/** A brush end as a value: categorical ends name the first (low) or last (high) category whose middle is inside. */
export function brushLabel(axis: Axis, at: number, end: 'low' | 'high'): string {
  if (axis.domain.scale === 'categorical') {
    const n = axis.domain.categories.length;
    const i = end === 'low' ? Math.ceil(at * n - 0.5) : Math.floor(at * n - 0.5);
    return labelOf(axis.domain, Math.max(0, Math.min(n - 1, i)));
  }
  return labelOf(axis.domain, valueAt(axis.domain, at));
}
