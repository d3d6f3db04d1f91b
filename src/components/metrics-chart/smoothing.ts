/**
 * Exponential moving average for smoothing noisy curves, debiased like TensorBoard's (the first
 * points are not dragged towards zero) and time-weighted: the decay follows the x distance between
 * points, so unevenly logged series smooth the same way as evenly logged ones. It runs
 * incrementally: appended points continue from the saved state instead of re-smoothing the series.
 */

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
