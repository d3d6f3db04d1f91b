/**
 * Which curves the chart draws: the trials in scope (a study, or the host's list), the metric
 * (given, else the study's objective, else the first key logged), and one `SeriesView` per trial
 * that logged it. Views of trials that stay are kept, with their caches, so a live change that
 * adds a trial costs only the new curve.
 */
import type { MetricSeries, TrialStore } from '../../client/index.js';
import type { Trial } from '../../protocol/index.js';
import { trialStyle } from '../internal/theme.js';
import { SeriesView, type ViewMode } from './series-view.js';

/** Dash (CSS pixels) of trials that carry `highlightFlag`. */
const FLAG_DASH = [6, 4];

/** What the host asked to see (the chart's properties of the same names). */
export interface ViewQuery {
  readonly metric?: string;
  readonly study?: string;
  readonly trials?: readonly string[];
  readonly highlightFlag?: string;
}

/** The curves to draw, the metric they show, and the trials in scope (shown, or once they log it). */
export interface ViewSelection {
  readonly views: SeriesView[];
  readonly metricKey?: string;
  readonly scope: Set<string>;
}

/** The points a trial's curve is drawn from: the store's series, or a level-of-detail curve. */
export type CurveSource = (store: TrialStore, trialId: string, key: string) => MetricSeries | undefined;

const storeSeries: CurveSource = (store, trialId, key) => store.getSeries(trialId, key);

/** Picks the views for `query`, reusing those in `previous` whose trial and series stay. */
export function selectViews(
  store: TrialStore | undefined,
  query: ViewQuery,
  previous: readonly SeriesView[],
  mode: ViewMode,
  curveOf: CurveSource = storeSeries,
): ViewSelection {
  const views: SeriesView[] = [];
  const scope = new Set<string>();
  if (!store) return { views, scope };
  const old = new Map(previous.map((v) => [v.trial.id, v]));
  const trials = trialsInScope(store, query);
  for (const trial of trials) scope.add(trial.id);
  const key = query.metric ?? defaultMetric(store, query.study, trials);
  if (key === undefined) return { views, scope };
  const xKey = mode.xAxis === 'metric' ? mode.xMetric : undefined;
  trials.forEach((trial, index) => {
    const series = curveOf(store, trial.id, key);
    // Against another metric, a trial that has not logged it has no curve.
    const xSeries = xKey === undefined ? undefined : curveOf(store, trial.id, xKey);
    if (!series || (xKey !== undefined && !xSeries)) return;
    const { color, dash } = trialStyle(index);
    const flagged = !!query.highlightFlag && trial.flags.includes(query.highlightFlag);
    const style = { color, dash: flagged ? FLAG_DASH : dash, flagged };
    const kept = old.get(trial.id);
    const view =
      kept && kept.series === series && kept.xSeries === xSeries
        ? kept
        : new SeriesView(trial, series, style, xSeries);
    // A new view, or a new start time (relative x moves), derives everything again.
    const rebuild = view !== kept || kept.trial.startedAt !== trial.startedAt;
    view.trial = trial;
    view.style = style;
    if (rebuild) view.update(mode, 0);
    views.push(view);
  });
  return { views, metricKey: key, scope };
}

/** The trials in scope, ordered by study then trial number (colours follow this order). */
function trialsInScope(store: TrialStore, query: ViewQuery): Trial[] {
  const all = query.study ? store.trialsOf(query.study) : [...store.trials.values()];
  const wanted = query.trials && new Set(query.trials);
  return all
    .filter((t) => !wanted || wanted.has(t.id))
    .sort((a, b) => a.studyId.localeCompare(b.studyId) || a.number - b.number || a.id.localeCompare(b.id));
}

function defaultMetric(store: TrialStore, study: string | undefined, trials: Trial[]): string | undefined {
  const studyId = study ?? trials[0]?.studyId;
  const objective = studyId ? store.getStudy(studyId)?.objective?.metric : undefined;
  if (objective) return objective;
  return studyId ? store.metricKeys(studyId)[0] : undefined;
}
