/**
 * Which metrics the dashboard charts when the host has not chosen: loss and accuracy, because
 * nearly every training loop logs them, plus the study's objective. Keys are matched by their last
 * word, so `loss`, `val_loss`, `train/loss` and `eval-loss` all count as a loss.
 */

/** Families of metric names charted by default, in display order. */
const FAMILIES: readonly RegExp[] = [/(^|[^a-z])loss$/i, /(^|[^a-z])(accuracy|acc)$/i];

/** Prefixes in order of preference within a family: the plain name, then validation, then training. */
const PREFERENCE: readonly RegExp[] = [
  /^(loss|accuracy|acc)$/i,
  /^(val|valid|validation|eval|test)/i,
  /^train/i,
];

/** Lower is better: how well a key fits its family's preferred spellings. */
function rank(key: string): number {
  const i = PREFERENCE.findIndex((re) => re.test(key));
  return i < 0 ? PREFERENCE.length : i;
}

/**
 * The metrics to chart by default: the objective, then the best-fitting loss and accuracy keys not
 * already covered by the objective's family; the first key when none of those exist.
 */
export function defaultMetrics(keys: readonly string[], objective?: string): string[] {
  const chosen: string[] = [];
  if (objective && keys.includes(objective)) chosen.push(objective);
  for (const family of FAMILIES) {
    if (chosen.some((key) => family.test(key))) continue;
    const best = keys
      .filter((key) => family.test(key))
      .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))[0];
    if (best) chosen.push(best);
  }
  if (!chosen.length && keys.length) chosen.push(keys[0]);
  return chosen;
}

/** Parses the `metrics` attribute: a comma-separated list of keys. */
export const metricListConverter = {
  fromAttribute: (value: string | null): string[] | undefined =>
    value
      ?.split(',')
      .map((key) => key.trim())
      .filter(Boolean),
  toAttribute: (value: string[] | undefined): string | undefined => value?.join(','),
};
