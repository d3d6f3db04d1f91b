/**
 * The smoothing kinds a chart offers, kept apart from the smoothing code: the dashboard's picker and
 * its links name them before the chart's code has loaded.
 */

/**
 * The smoothing kinds users know from W&B: `ema` (a time-weighted, debiased EMA, also
 * TensorBoard's), `running` (a centred running average, W&B's boxcar) and `gaussian` (a centred
 * Gaussian-weighted average). The two windowed kinds count their window in points, as W&B does,
 * not in x units: they smooth what was logged, however unevenly.
 */
export type SmoothingKind = 'ema' | 'running' | 'gaussian';

/** Every kind, in the order a picker lists them. */
export const SMOOTHING_KINDS: readonly SmoothingKind[] = ['ema', 'running', 'gaussian'];

/** Whether `value` names a smoothing kind (for attributes and links). */
export function isSmoothingKind(value: unknown): value is SmoothingKind {
  return SMOOTHING_KINDS.includes(value as SmoothingKind);
}
