/**
 * Colouring trials by their objective: a few sequential bins from worse to better, so that a
 * canvas strokes one path per bin instead of one per trial. Better is the warm end in both themes.
 */

/** Bins from worse to better, each readable on its theme's background. */
const BINS = {
  light: ['#2a1a8a', '#5c18a0', '#8a1fa0', '#b3357f', '#d4565f', '#ea7a3c', '#f09a12'],
  dark: ['#6b5bd6', '#8f56d8', '#b657c8', '#d65aa3', '#ec6f78', '#f8964e', '#fcc932'],
} as const;

/** The colour for trials without an objective value. */
export const NO_OBJECTIVE = { light: '#9aa3ad', dark: '#5d6672' } as const;

export const BIN_COUNT = BINS.light.length;

/** The bin colours of a theme, worse first. */
export function binColors(dark: boolean): readonly string[] {
  return dark ? BINS.dark : BINS.light;
}

/**
 * Each trial's bin (0 worse … BIN_COUNT - 1 better), by rank so that outliers do not squash
 * the rest into one colour; -1 for trials without a value.
 */
export function objectiveBins(objective: Float64Array, direction: 'minimize' | 'maximize'): Int8Array {
  const order: number[] = [];
  for (let i = 0; i < objective.length; i++) if (!Number.isNaN(objective[i])) order.push(i);
  const sign = direction === 'minimize' ? -1 : 1;
  order.sort((a, b) => sign * (objective[a] - objective[b]));
  const bins = new Int8Array(objective.length).fill(-1);
  const n = order.length;
  for (let r = 0; r < n; r++) bins[order[r]] = Math.min(BIN_COUNT - 1, Math.floor((r / n) * BIN_COUNT));
  return bins;
}

/** The CSS gradient of the legend, worse to better. */
export function legendGradient(dark: boolean): string {
  return `linear-gradient(to right, ${binColors(dark).join(', ')})`;
}
