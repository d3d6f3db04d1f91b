/**
 * Series windows and summary snapshots for a producer that has neither (the MLflow poller behind
 * `trialkit serve`): fed by the producer's events, it keeps each series' points in typed arrays
 * and answers `seriesWindow` with the exact M4 of them. Points are bounded by `maxBytes`: the
 * series used least recently give theirs up first, and are read again from a producer snapshot
 * when a window needs them.
 */
import {
  type EventProducer,
  type MetricBatch,
  m4Columns,
  parseSeriesWindowQuery,
  type SeriesWindow,
  type SeriesWindowQuery,
  SeriesWindowQueryError,
  type SnapshotEvent,
  type SnapshotOptions,
  seriesId,
  summarizeBatch,
  type Trial,
  type TrialEvent,
} from '../protocol/index.js';

export interface WindowCacheOptions {
  /** Bytes of points held (24 per point); default 512 MiB. */
  maxBytes?: number;
}

/** The producer with `seriesWindow` and summary snapshots; `close()` stops following it. */
export interface WindowCache extends EventProducer {
  seriesWindow(query: SeriesWindowQuery, signal?: AbortSignal): Promise<SeriesWindow>;
  /** Bytes of points held now. */
  readonly heldBytes: number;
  close(): void;
}

const BYTES_PER_POINT = 24;

/** One series' points, growing by doubling. */
class HeldSeries {
  steps = new Float64Array(16);
  values = new Float64Array(16);
  timestamps = new Float64Array(16);
  length = 0;
  lastUsed = 0;
  /** The time of the first point by step (ties: the first logged), relative time's zero without a start. */
  firstTime = 0;
  private firstStep = Number.POSITIVE_INFINITY;

  append(batch: Pick<MetricBatch, 'steps' | 'values' | 'timestamps'>): void {
    const n = batch.steps.length;
    if (this.length + n > this.steps.length) {
      const capacity = Math.max(this.length + n, this.steps.length * 2);
      for (const column of ['steps', 'values', 'timestamps'] as const) {
        const grown = new Float64Array(capacity);
        grown.set(this[column].subarray(0, this.length));
        this[column] = grown;
      }
    }
    for (let i = 0; i < n; i++) {
      if (batch.steps[i] < this.firstStep) {
        this.firstStep = batch.steps[i];
        this.firstTime = batch.timestamps[i];
      }
      this.steps[this.length + i] = batch.steps[i];
      this.values[this.length + i] = batch.values[i];
      this.timestamps[this.length + i] = batch.timestamps[i];
    }
    this.length += n;
  }

  view() {
    return {
      steps: this.steps.subarray(0, this.length),
      values: this.values.subarray(0, this.length),
      timestamps: this.timestamps.subarray(0, this.length),
    };
  }
}

/** Wraps `producer`; follows its events from now on. */
export function createWindowCache(producer: EventProducer, options: WindowCacheOptions = {}): WindowCache {
  const maxBytes = options.maxBytes ?? 512 * 1024 * 1024;
  const trials = new Map<string, Trial>();
  const studies = new Set<string>();
  /** Series whose points are held; a series not here is read from a snapshot when needed. */
  const held = new Map<string, HeldSeries>();
  /** Keys per trial, whether their points are held or not. */
  const keysOf = new Map<string, Set<string>>();
  let heldBytes = 0;
  let clock = 0;
  let lastSeq = -1;

  const evictBeyondBudget = () => {
    if (heldBytes <= maxBytes) return;
    for (const [id, series] of [...held].sort((a, b) => a[1].lastUsed - b[1].lastUsed)) {
      if (heldBytes <= maxBytes) break;
      held.delete(id);
      heldBytes -= series.length * BYTES_PER_POINT;
    }
  };

  const appendBatch = (batch: MetricBatch) => {
    let keys = keysOf.get(batch.trialId);
    if (!keys) {
      keys = new Set();
      keysOf.set(batch.trialId, keys);
    }
    const known = keys.has(batch.key);
    keys.add(batch.key);
    const id = seriesId(batch.trialId, batch.key);
    let series = held.get(id);
    if (!series) {
      // Points of a series that was given up are not collected again piecemeal: a snapshot reloads it.
      if (known) return;
      series = new HeldSeries();
      held.set(id, series);
    }
    series.append(batch);
    series.lastUsed = ++clock;
    heldBytes += batch.steps.length * BYTES_PER_POINT;
  };

  const load = (snapshot: SnapshotEvent) => {
    trials.clear();
    studies.clear();
    held.clear();
    keysOf.clear();
    heldBytes = 0;
    for (const s of snapshot.studies) studies.add(s.id);
    for (const t of snapshot.trials) trials.set(t.id, t);
    for (const batch of snapshot.metrics) appendBatch(batch);
    evictBeyondBudget();
    lastSeq = snapshot.seq;
  };

  const apply = (event: TrialEvent) => {
    if (event.type !== 'snapshot' && event.seq <= lastSeq) return;
    lastSeq = event.seq;
    switch (event.type) {
      case 'snapshot':
        load(event);
        break;
      case 'study.upsert':
        studies.add(event.study.id);
        break;
      case 'study.remove':
        studies.delete(event.studyId);
        break;
      case 'trial.upsert':
        trials.set(event.trial.id, event.trial);
        break;
      case 'trial.remove':
        trials.delete(event.trialId);
        for (const key of keysOf.get(event.trialId) ?? []) {
          const series = held.get(seriesId(event.trialId, key));
          if (series) heldBytes -= series.length * BYTES_PER_POINT;
          held.delete(seriesId(event.trialId, key));
        }
        keysOf.delete(event.trialId);
        break;
      case 'metrics.append':
        for (const batch of event.batches) appendBatch(batch);
        evictBeyondBudget();
        break;
    }
  };

  // Subscribe, then snapshot; events that arrive meanwhile wait for it.
  let pending: TrialEvent[] | undefined = [];
  const unsubscribe = producer.subscribe((event) => (pending ? pending.push(event) : apply(event)));
  const ready = producer.snapshot().then((snapshot) => {
    load(snapshot);
    for (const event of pending ?? []) apply(event);
    pending = undefined;
  });

  /** Reloads series given up under the budget from a fresh snapshot. */
  const reload = async (ids: Set<string>) => {
    const snapshot = await producer.snapshot();
    for (const batch of snapshot.metrics) {
      const id = seriesId(batch.trialId, batch.key);
      if (!ids.has(id) || held.has(id)) continue;
      const series = new HeldSeries();
      series.append(batch);
      series.lastUsed = ++clock;
      held.set(id, series);
      heldBytes += series.length * BYTES_PER_POINT;
    }
  };

  const seriesWindow = async (input: SeriesWindowQuery, signal?: AbortSignal): Promise<SeriesWindow> => {
    const query = parseSeriesWindowQuery(input);
    await ready;
    if (!studies.has(query.studyId))
      throw new SeriesWindowQueryError(
        `study ${JSON.stringify(query.studyId)} does not exist`,
        'studyId',
        true,
      );
    const ofStudy = [...trials.values()]
      .filter((t) => t.studyId === query.studyId)
      .sort((a, b) => a.number - b.number || (a.id < b.id ? -1 : 1));
    const ids = [...new Set(query.trialIds ?? ofStudy.map((t) => t.id))];
    ids.forEach((id, i) => {
      if (trials.get(id)?.studyId !== query.studyId)
        throw new SeriesWindowQueryError(
          `trial ${JSON.stringify(id)} is not in study ${JSON.stringify(query.studyId)}`,
          `trialIds.${query.trialIds ? query.trialIds.indexOf(id) : i}`,
          true,
        );
    });
    const withKey = ids.filter((id) => keysOf.get(id)?.has(query.key));
    if (ids.length > 0 && withKey.length === 0)
      throw new SeriesWindowQueryError(
        `no requested trial has a series ${JSON.stringify(query.key)}`,
        'key',
        true,
      );
    const missing = new Set(withKey.map((id) => seriesId(id, query.key)).filter((id) => !held.has(id)));
    if (missing.size > 0) await reload(missing);
    signal?.throwIfAborted();
    const series = new Map(
      withKey.map((id) => {
        const s = held.get(seriesId(id, query.key));
        if (s) s.lastUsed = ++clock;
        return [id, s?.view()] as const;
      }),
    );
    evictBeyondBudget();
    const offsetOf = (id: string) => {
      if (query.x !== 'relative') return 0;
      return trials.get(id)?.startedAt ?? held.get(seriesId(id, query.key))?.firstTime ?? 0;
    };
    let from = query.from ?? Number.POSITIVE_INFINITY;
    let to = query.to ?? Number.NEGATIVE_INFINITY;
    for (const [id, points] of series) {
      if (!points) continue;
      const xs = query.x === 'step' ? points.steps : points.timestamps;
      const offset = offsetOf(id);
      for (let i = 0; i < xs.length; i++) {
        if (query.from === undefined) from = Math.min(from, xs[i] - offset);
        if (query.to === undefined) to = Math.max(to, xs[i] - offset);
      }
    }
    const empty = !(from <= to);
    if (empty) {
      from = query.from ?? 0;
      to = query.to ?? from;
    }
    return {
      key: query.key,
      x: query.x,
      from,
      to,
      columns: query.columns,
      series: ids.map((trialId) => {
        const points = series.get(trialId);
        const m4 = m4Columns(
          points && !empty ? points : { steps: [], values: [], timestamps: [] },
          query.x,
          from,
          to,
          query.columns,
          offsetOf(trialId),
        );
        return { trialId, exact: true, ...m4 };
      }),
    };
  };

  return {
    subscribe: (listener) => producer.subscribe(listener),
    async snapshot(options?: SnapshotOptions) {
      const snapshot = await producer.snapshot();
      if (options?.points !== false) return snapshot;
      const summaries = snapshot.metrics.flatMap((batch) => summarizeBatch(batch) ?? []);
      return { ...snapshot, metrics: [], summaries };
    },
    seriesWindow,
    get heldBytes() {
      return heldBytes;
    },
    close: unsubscribe,
  };
}
