/** The key a metric series is filed under, wherever series are kept by trial and metric key. */
export function seriesId(trialId: string, key: string): string {
  return `${trialId}\u0000${key}`;
}
