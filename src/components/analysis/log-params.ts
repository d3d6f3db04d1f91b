/**
 * Which params a study samples on a log scale. The protocol has no per-param distribution: Optuna's
 * `<param>_distribution` tags become the study's `searchSpace` text (`lr: log[1e-05, 0.1]`, see
 * `protocol/optuna-tags.ts`), and other producers write the same notation by hand. Failing that, a
 * positive param spread over three decades or more reads better on a log axis, unless the search
 * space declares it linear (`x: [0.0, 1.0]` sampled once near zero is still a linear axis).
 */

/** How the search space text declares each ranged param: `log[…]` (also `int log[…]`) or linear (`[…]`, `int[…]`). */
export function declaredScales(searchSpace: string | undefined): Map<string, 'log' | 'linear'> {
  const scales = new Map<string, 'log' | 'linear'>();
  if (!searchSpace) return scales;
  for (const match of searchSpace.matchAll(/([^\s:·×,]+)\s*:\s*(?:int\s*)?(log\s*)?\[/g))
    scales.set(match[1], match[2] ? 'log' : 'linear');
  return scales;
}

/** How many decades a positive range must span before a param without a declared scale reads as log. */
export const LOG_SPREAD_DECADES = 3;

/** Whether values within [min, max] are better drawn on a log axis, lacking a declared scale. */
export function spreadSuggestsLog(min: number, max: number): boolean {
  return min > 0 && Number.isFinite(max) && Math.log10(max / min) >= LOG_SPREAD_DECADES;
}
