/**
 * The metric series a store holds, per trial and key: the raw points received (`MetricSeries`)
 * and the producer's summaries (v2), kept whole as batches arrive, and what a table reads of them
 * (last and best values) in O(1) from either.
 */
import type { MetricBatch, SeriesSummary } from '../protocol/index.js';
import { mergeSummary, summarizePoints } from './lod/summary.js';
import { MetricSeries } from './series.js';

export class SeriesState {
  private readonly points = new Map<string, Map<string, MetricSeries>>();
  private readonly summaries = new Map<string, Map<string, SeriesSummary>>();

  get(trialId: string, key: string): MetricSeries | undefined {
    return this.points.get(trialId)?.get(key);
  }

  /** Every series of a trial with points, by metric key. */
  of(trialId: string): ReadonlyMap<string, MetricSeries> {
    return this.points.get(trialId) ?? new Map();
  }

  /** The keys of a trial's series, with points or a summary. */
  *keysOf(trialId: string): Iterable<string> {
    yield* this.points.get(trialId)?.keys() ?? [];
    yield* this.summaries.get(trialId)?.keys() ?? [];
  }

  /** The producer's summary merged with every batch since, or the summary of the points held. */
  summaryOf(trialId: string, key: string): SeriesSummary | undefined {
    const summary = this.summaries.get(trialId)?.get(key);
    if (summary) return summary;
    const series = this.get(trialId, key);
    return series && summarizePoints(trialId, key, series);
  }

  lastValue(trialId: string, key: string): number | undefined {
    const summary = this.summaries.get(trialId)?.get(key);
    if (summary) return summary.last.value;
    return this.get(trialId, key)?.last;
  }

  bestValue(trialId: string, key: string, direction: 'minimize' | 'maximize'): number | undefined {
    const summary = this.summaries.get(trialId)?.get(key);
    if (summary) return (direction === 'maximize' ? summary.max : summary.min)?.value;
    const series = this.get(trialId, key);
    const best = direction === 'maximize' ? series?.max : series?.min;
    return best === undefined || Number.isNaN(best) ? undefined : best;
  }

  /** Appends a batch's points; returns the first index of the series that changed. */
  append(batch: MetricBatch): number {
    const byKey = getOrCreate(this.points, batch.trialId, () => new Map<string, MetricSeries>());
    const series = getOrCreate(byKey, batch.key, () => new MetricSeries(batch.trialId, batch.key));
    const from = series.append(batch.steps, batch.values, batch.timestamps);
    // A summarised series keeps its summary whole: the batch's points count too.
    const summaries = this.summaries.get(batch.trialId);
    const held = summaries?.get(batch.key);
    const added = held && summarizePoints(batch.trialId, batch.key, batch);
    if (held && added) summaries!.set(batch.key, mergeSummary(held, added));
    return from;
  }

  /** Merges a producer's summary; returns how many points the series holds (where a change starts). */
  mergeSummary(summary: SeriesSummary): number {
    const byKey = getOrCreate(this.summaries, summary.trialId, () => new Map<string, SeriesSummary>());
    const held = byKey.get(summary.key);
    byKey.set(summary.key, held ? mergeSummary(held, summary) : summary);
    return this.get(summary.trialId, summary.key)?.length ?? 0;
  }

  /** Forgets a trial's series; returns the keys it had points for. */
  removeTrial(trialId: string): string[] {
    const keys = [...(this.points.get(trialId)?.keys() ?? [])];
    this.points.delete(trialId);
    this.summaries.delete(trialId);
    return keys;
  }

  clear(): void {
    this.points.clear();
    this.summaries.clear();
  }
}

/** The value of `key` in `map`, created first if missing. */
export function getOrCreate<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}
