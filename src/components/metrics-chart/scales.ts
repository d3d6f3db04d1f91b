/**
 * Axis scales for the metrics chart: which scale each axis mode uses, auto domains that stay
 * put while data streams in (nice bounds change rarely, so most frames can draw only what is new),
 * ticks with labels, and the linear pixel map the M4 reduction needs.
 */
import { formatDuration, formatNumber } from '../internal/format.js';
import {
  type Domain,
  linearScale,
  logScale,
  niceLinearDomain,
  niceLogDomain,
  type Scale,
} from '../internal/scale.js';
import type { PixelMap } from './m4.js';
import { niceTimeDomain, timeTickLabels, timeTicks } from './time-ticks.js';

/** What the x axis measures: the step, wall-clock time, or time since the trial started. */
export type XAxis = 'step' | 'wall' | 'relative';
/** What the chart's x axis shows: one of those, or another metric's value (the chart's `xMetric`). */
export type XKind = XAxis | 'metric';

/** The x axis a chart draws: what it measures, and its name in labels (`step`, `time`, a metric's key). */
export interface XAxisSpec {
  readonly kind: XKind;
  readonly name: string;
}

const X_AXIS_NAMES: Record<XAxis, string> = { step: 'step', wall: 'time', relative: 'relative time' };

/** The x axis for `axis`, or for the metric `metric` when one is given. */
export function xAxisSpec(axis: XAxis, metric?: string): XAxisSpec {
  return metric ? { kind: 'metric', name: metric } : { kind: axis, name: X_AXIS_NAMES[axis] ?? axis };
}
export type YScale = 'linear' | 'log';
export type { Domain };

/** Every x axis is linear in its units (steps, epoch ms, seconds); wall-clock ticks come from `time-ticks.ts`. */
export type XScale = Scale;
export type YScaleFn = Scale;

/** A running minimum and maximum; `min > max` while empty. */
export class Extent {
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;

  get empty(): boolean {
    return this.min > this.max;
  }
  add(value: number): void {
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }
  addExtent(other: Extent): void {
    if (other.empty) return;
    this.add(other.min);
    this.add(other.max);
  }
  reset(): void {
    this.min = Number.POSITIVE_INFINITY;
    this.max = Number.NEGATIVE_INFINITY;
  }
}

/** The x scale for an axis mode over `domain` (axis units: steps, epoch ms, or seconds). */
export function makeXScale(_axis: XKind, domain: Domain, range: Domain): XScale {
  return linearScale(domain, range);
}

export function makeYScale(kind: YScale, domain: Domain, range: Domain): YScaleFn {
  return kind === 'log' ? logScale(domain, range) : linearScale(domain, range);
}

/**
 * A domain that covers `extent` with round bounds (d3-array's `nice`), widened around a single value
 * or set to a default when there is none. Log domains must be positive:
 * the caller only feeds positive values.
 */
export function autoDomain(extent: Extent, kind: YScale | XKind, tickCount = 10): Domain {
  if (extent.empty) return kind === 'log' ? [1, 10] : [0, 1];
  // Half a step either side: the step sits mid-axis on its own tick, with no other step in view.
  if (kind === 'step' && extent.min === extent.max) return [extent.min - 0.5, extent.max + 0.5];
  const [min, max] = extent.min === extent.max ? padSingle(extent.min, kind) : [extent.min, extent.max];
  if (kind === 'log') return niceLogDomain([min, max]);
  if (kind === 'wall') return niceTimeDomain(min, max, tickCount);
  return niceLinearDomain([min, max], tickCount);
}

/** The smallest share of the data's span left free right of live data. */
const LIVE_HEADROOM = 0.1;
/** Live x spans are rounded up on a geometric ladder with this many rungs per decade (~15% apart). */
const LIVE_RUNGS_PER_DECADE = 16;

/**
 * `extent` widened to the right for data that still grows: its span from the origin, plus 10%, is
 * rounded up to the next rung of a geometric ladder, so the x bound and its ticks move once per ~15%
 * of growth instead of whenever the data crosses a round number (each move redraws every curve).
 * The origin is 0 when the data starts near it (steps from 1 end on 100, not 1 + 100, which `nice`
 * would push to 120), else the data's own start.
 */
export function withHeadroom(extent: Extent): Extent {
  const span = extent.max - extent.min;
  if (!(span > 0)) return extent;
  const origin = extent.min >= 0 && extent.min <= span ? 0 : extent.min;
  const widened = new Extent();
  widened.add(extent.min);
  widened.add(origin + onLadder(extent.max - origin + span * LIVE_HEADROOM));
  return widened;
}

/** The smallest rung of the live ladder at or above `value` (> 0). */
function onLadder(value: number): number {
  return 10 ** (Math.ceil(Math.log10(value) * LIVE_RUNGS_PER_DECADE) / LIVE_RUNGS_PER_DECADE);
}

/** Half the span around a single wall-clock time: a minute in all, whatever the epoch. */
const SINGLE_WALL_PAD_MS = 30_000;

/**
 * A span around one value (trials that each log a single value, at one time): a minute around one
 * time; ±50% on a log scale; ±5% of any other value (±1 around zero). `nice` then rounds it.
 */
function padSingle(value: number, kind: YScale | XKind): Domain {
  if (kind === 'wall') return [value - SINGLE_WALL_PAD_MS, value + SINGLE_WALL_PAD_MS];
  if (kind === 'log') return [value * 0.5, value * 1.5];
  const pad = Math.abs(value) * 0.05 || 1;
  return [value - pad, value + pad];
}

/** Two domains are the same to within float noise (nice bounds are exact, zoom bounds are ours). */
export function sameDomain(a: Domain | undefined, b: Domain | undefined): boolean {
  return !!a && !!b && a[0] === b[0] && a[1] === b[1];
}

/**
 * The linear map from raw x values to device pixels from the plot's left edge, for the M4
 * reduction: `px = (raw - x0) * scale`. `offset` and `factor` turn raw values into axis units
 * (relative time: `(timestamp - start) / 1000`).
 */
export function pixelMap(domain: Domain, widthPx: number, offset = 0, factor = 1): PixelMap {
  const k = widthPx / (domain[1] - domain[0] || 1);
  return { x0: offset + domain[0] / factor, scale: k * factor };
}

export interface Tick {
  /** Position in CSS pixels along the axis, from the plot's left or top edge. */
  readonly position: number;
  readonly label: string;
}

/** Ticks for the x axis; relative time counts in seconds, minutes or hours as the span requires. */
export function xTicks(axis: XKind, scale: XScale, count: number): Tick[] {
  if (axis === 'relative') return durationTicks(scale, count);
  if (axis === 'step') return stepTicks(scale, count);
  if (axis === 'metric') return yTicks(scale, count);
  const [t0, t1] = scale.domain();
  const values = timeTicks(t0, t1, count);
  const labels = timeTickLabels(values);
  return values.map((v, i) => ({ position: scale(v), label: labels[i] }));
}

/** Steps are whole numbers: no tick between two steps (it would name a step that cannot be). */
function stepTicks(scale: XScale, count: number): Tick[] {
  const format = scale.tickFormat(count, true);
  return scale
    .ticks(count)
    .filter(Number.isInteger)
    .map((v) => ({ position: scale(v), label: format(v) }));
}

export function yTicks(scale: YScaleFn, count: number): Tick[] {
  const values = scale.ticks(count);
  const format = scale.tickFormat(count);
  return values.map((v) => ({ position: scale(v), label: format(v) })).filter((t) => t.label !== '');
}

const DURATION_UNITS = [
  { seconds: 3600, suffix: 'h' },
  { seconds: 60, suffix: 'min' },
  { seconds: 1, suffix: 's' },
] as const;

function durationTicks(scale: XScale, count: number): Tick[] {
  const [d0, d1] = scale.domain();
  const span = Math.abs(d1 - d0);
  const unit = DURATION_UNITS.find((u) => span >= 2 * u.seconds) ?? DURATION_UNITS[2];
  const inUnits = linearScale([d0 / unit.seconds, d1 / unit.seconds], [0, 1]);
  return inUnits.ticks(count).map((v) => ({
    position: scale(v * unit.seconds),
    label: `${formatNumber(v)} ${unit.suffix}`,
  }));
}

/** An x value as the axis shows it: a step, a date-time, a duration, or a metric's value. */
export function formatX(axis: XKind, value: number): string {
  if (axis === 'wall') return new Date(value).toLocaleString();
  // A duration as the trial table writes it (`10m 00s`), not a count of seconds.
  if (axis === 'relative') return formatDuration(value);
  if (axis === 'metric') return formatNumber(value);
  return formatNumber(Math.round(value));
}
