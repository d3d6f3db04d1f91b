/**
 * Connects an analysis view to its store: subscribes, re-renders the host only when a change
 * touches the analysed study's finished trials, and shares the extracted columns between the views
 * of one store (the four views of a dashboard extract them once per change, not four times).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { StoreChange, TrialStore } from '../../client/index.js';
import { StoreController } from '../internal/store-controller.js';
import type { TrialFilters } from '../trial-table/filter.js';
import { type AnalysisData, analysedMetric, extractAnalysis } from './analysis-data.js';
import { filterMask } from './filter-mask.js';

/** Extracted columns by store, then by `study \u0000 metric`; entries go when a change touches them. */
const cache = new WeakMap<TrialStore, Map<string, AnalysisData>>();

/** What the controller analyses; read on every change and render. */
export interface AnalysisTarget {
  readonly store?: TrialStore;
  readonly study?: string;
  readonly metric?: string;
}

export class AnalysisController implements ReactiveController {
  private readonly link: StoreController;
  private kept?: { data: AnalysisData; filters: TrialFilters; mask: Uint8Array | undefined };

  constructor(
    host: ReactiveControllerHost,
    private readonly target: () => AnalysisTarget,
  ) {
    this.link = new StoreController(host, { onChange: (change, store) => this.touched(change, store) });
    host.addController(this);
  }

  hostUpdate(): void {
    this.link.store = this.target().store;
  }

  /** The analysed columns, or undefined when there is no store, study or metric yet. */
  get data(): AnalysisData | undefined {
    const { store, study: studyId, metric: asked } = this.target();
    const study = store && studyId ? store.getStudy(studyId) : undefined;
    const metric = study && analysedMetric(study, asked);
    if (!store || !study || !metric) return undefined;
    let entries = cache.get(store);
    if (!entries) {
      entries = new Map();
      cache.set(store, entries);
    }
    const key = `${study.id}\u0000${metric}`;
    let data = entries.get(key);
    if (!data || data.study !== study) {
      data = extractAnalysis(store, study, metric);
      entries.set(key, data);
    }
    return data;
  }

  /**
   * Per analysed trial, 1 where the table's `filters` keep it; undefined when they keep every trial
   * (or there is nothing to analyse). Computed again only when the columns or the filters change.
   */
  keptBy(filters: TrialFilters): Uint8Array | undefined {
    const data = this.data;
    const store = this.target().store;
    if (!data || !store) return undefined;
    if (this.kept?.data !== data || this.kept.filters !== filters)
      this.kept = { data, filters, mask: filterMask(store, data, filters) };
    return this.kept.mask;
  }

  /** Drops the cached columns and re-renders when the change reaches the analysed trials. */
  private touched(change: StoreChange, store: TrialStore): boolean {
    const { study } = this.target();
    if (!study) return false;
    if (!reaches(change, store, study)) return false;
    const entries = cache.get(store);
    for (const key of entries?.keys() ?? []) if (key.startsWith(`${study}\u0000`)) entries?.delete(key);
    return true;
  }
}

function reaches(change: StoreChange, store: TrialStore, studyId: string): boolean {
  if (change.reset || change.studies.has(studyId)) return true;
  for (const id of change.trials) {
    const trial = store.getTrial(id);
    // A removed trial is unknown now: it may have been this study's.
    if (!trial || trial.studyId === studyId) return true;
  }
  // Any metric of a finished trial, not only the analysed one: a Pareto front plots a second one,
  // and the table's filters may name others. Points of running trials change nothing drawn.
  for (const { trialId } of change.series.values()) {
    const trial = store.getTrial(trialId);
    if (trial?.studyId === studyId && trial.status === 'succeeded') return true;
  }
  return false;
}
