/**
 * Exponential moving average for smoothing noisy curves, debiased like TensorBoard's (the first
 * points are not dragged towards zero) and time-weighted: the decay follows the x distance between
 * points, so unevenly logged series smooth the same way as evenly logged ones. It runs
 * incrementally: appended points continue from the saved state instead of re-smoothing the series.
 */

import type { SmoothingKind } from './smoothing-kinds.js';

/** Where an EMA stopped; pass the same object again to continue with appended points. */
export class EmaState {
  /** Weighted sum of values and of weights so far; their ratio is the debiased average. */
  numerator = 0;
  denominator = 0;
  /** x of the last finite point, and the x spacing one `smoothing` step stands for. */
  lastX = Number.NaN;
  unit = Number.NaN;
  /** How many source points have been smoothed (the next call starts here). */
  length = 0;
}

/** The largest smoothing used: at 1 the average would never move. */
const MAX_SMOOTHING = 0.999;

/**
 * Smooths points `state.length..to-1` of `ys` (with x positions `xs`) into `out` at the same
 * indices and advances `state`. `smoothing` is the weight of the past per unit of x spacing
 * (the first positive spacing seen). Non-finite values pass through unchanged (they stay gaps)
 * and do not disturb the average.
 */
export function extendEma(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  to: number,
  smoothing: number,
  state: EmaState,
  out: Float64Array,
): void {
  const weight = Math.min(Math.max(smoothing, 0), MAX_SMOOTHING);
  for (let i = state.length; i < to; i++) {
    const y = ys[i];
    if (!(y - y === 0)) {
      out[i] = y;
      continue;
    }
    const x = xs[i];
    const dx = x - state.lastX;
    if (Number.isNaN(state.unit) && dx > 0) state.unit = dx;
    // Points at the same x (or the first one) count as one unit apart.
    const units = dx > 0 && state.unit > 0 ? dx / state.unit : 1;
    const w = weight ** units;
    state.numerator = state.numerator * w + (1 - w) * y;
    state.denominator = state.denominator * w + (1 - w);
    state.lastX = x;
    out[i] = state.denominator > 0 ? state.numerator / state.denominator : y;
  }
  state.length = Math.max(state.length, to);
}

/**
 * The window, in points, that one `smoothing` weight (0..1) stands for, so that one slider means
 * about as much smoothing whatever the kind: an EMA of weight w averages like a running mean of
 * (1 + w) / (1 - w) points (the usual span equivalence, alpha = 2 / (N + 1)).
 */
export function windowPoints(smoothing: number): number {
  const w = Math.min(Math.max(smoothing, 0), MAX_SMOOTHING);
  return (1 + w) / (1 - w);
}

/**
 * Half-widths of the box passes a windowed kind makes: one box of `N` points for `running`; three
 * boxes for `gaussian`, whose repeated average is a Gaussian to within a few percent (as image
 * blurs do it) at O(1) a point however wide. The Gaussian's sigma is N / (2 sqrt(pi)) points, which
 * removes as much noise as the running average of N points.
 */
export function boxHalfWidths(kind: Exclude<SmoothingKind, 'ema'>, smoothing: number): number[] {
  const n = windowPoints(smoothing);
  if (kind === 'running') return [Math.max(0, Math.round((n - 1) / 2))];
  const sigma = n / (2 * Math.sqrt(Math.PI));
  // Three boxes of width w have variance 3 (w^2 - 1) / 12 = sigma^2.
  const width = Math.sqrt(4 * sigma * sigma + 1);
  const half = Math.max(0, Math.round((width - 1) / 2));
  return [half, half, half];
}

/**
 * Recomputes a centred windowed average (`running` or `gaussian`) of `ys[0..n)` into `out` for
 * every point a change at `changedFrom` can reach, and returns the first index it rewrote. Each
 * point averages the finite values around it (the window shrinks at the ends, so the last points
 * are not dragged towards zero); non-finite values stay gaps. Appends cost the new points plus the
 * window's reach, not the series.
 */
export function smoothWindowed(
  ys: ArrayLike<number>,
  n: number,
  changedFrom: number,
  halves: readonly number[],
  out: Float64Array,
): number {
  if (changedFrom >= n) return n;
  const reach = halves.reduce((a, b) => a + b, 0);
  const start = Math.max(0, Math.min(changedFrom, n) - reach);
  // Outputs from `start` read passes back to `lo`; the values before `lo` cannot reach them.
  const lo = Math.max(0, start - reach);
  const m = n - lo;
  let sums: Float64Array = new Float64Array(m);
  let weights: Float64Array = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const y = ys[lo + i];
    const finite = y - y === 0;
    sums[i] = finite ? y : 0;
    weights[i] = finite ? 1 : 0;
  }
  const prefix = new Float64Array(m + 1);
  for (const half of halves) {
    sums = boxPass(sums, half, prefix);
    weights = boxPass(weights, half, prefix);
  }
  for (let i = start; i < n; i++) {
    const y = ys[i];
    const w = weights[i - lo];
    out[i] = y - y === 0 && w > 0 ? sums[i - lo] / w : y;
  }
  return start;
}

/** The sums of `values` over `[i - half, i + half]` (clipped to the array), via prefix sums. */
function boxPass(values: Float64Array, half: number, prefix: Float64Array): Float64Array {
  const m = values.length;
  if (half === 0) return values;
  prefix[0] = 0;
  for (let i = 0; i < m; i++) prefix[i + 1] = prefix[i] + values[i];
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) out[i] = prefix[Math.min(m, i + half + 1)] - prefix[Math.max(0, i - half)];
  return out;
}
