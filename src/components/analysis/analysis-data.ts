/**
 * The columns every analysis view reads: for one study and one metric, the finished trials in
 * number order, their objective values and one column per hyperparameter. Params arrive untyped
 * (MLflow sends text, producers mix types under a key), so each column decides once whether it is
 * numeric (linear or log) or categorical, and counts what it cannot place, so that a view can say
 * what it left out and why.
 */
import type { TrialStore } from '../../client/index.js';
import type { ParamValue, Study, Trial } from '../../protocol/index.js';
import { OBJECTIVE_DIRECTIONS_TAG } from '../../protocol/optuna-tags.js';
import { ownValue } from '../../protocol/own.js';
import { paramNumber } from '../internal/param-number.js';
import { declaredScales, spreadSuggestsLog } from './log-params.js';

/** How a param's axis is drawn. */
export const ParamScale = { linear: 'linear', log: 'log', categorical: 'categorical' } as const;
export type ParamScale = (typeof ParamScale)[keyof typeof ParamScale];

/** A numeric param is numeric when at least this share of its present values are numbers. */
const NUMERIC_SHARE = 0.9;

/** One hyperparameter across the analysed trials. */
export interface ParamColumn {
  readonly name: string;
  readonly scale: ParamScale;
  /** Why the scale is log: the study's search space says so, or the values span decades. */
  readonly logBy?: 'search-space' | 'spread';
  /** Numeric: every placed value is a whole number (an int param). */
  readonly integers?: boolean;
  /**
   * Per trial: the number (numeric scales) or the category's index (categorical); NaN when the
   * trial lacks the param or its value cannot be placed on this axis.
   */
  readonly values: Float64Array;
  /** Categorical: the labels, in the order of their indices (numbers sorted numerically first). */
  readonly categories: readonly string[];
  /** Smallest and largest placed value (categorical: 0 and categories - 1); NaN when none. */
  readonly min: number;
  readonly max: number;
  /** Trials without this param. */
  readonly missing: number;
  /** Trials whose value does not fit the axis: text under a numeric param, non-positive under log, NaN. */
  readonly unplaced: number;
}

/** What an analysis view draws. */
export interface AnalysisData {
  readonly study: Study;
  readonly metric: string;
  readonly direction: 'minimize' | 'maximize';
  /** Finished (succeeded) trials, by number. */
  readonly trials: readonly Trial[];
  /** Per trial: the metric's last value; NaN when missing or not finite. */
  readonly objective: Float64Array;
  readonly objectiveMin: number;
  readonly objectiveMax: number;
  readonly params: readonly ParamColumn[];
  /** Trials of the study not analysed because they have not succeeded (running, pruned, failed …). */
  readonly unfinished: number;
  /** Finished trials without a finite value of the metric (missing, NaN or ±Infinity). */
  readonly noObjective: number;
}

/** The metric analysed: the one asked for, else the study's objective. */
export function analysedMetric(study: Study, metric: string | undefined): string | undefined {
  return metric || study.objective?.metric;
}

/** Names of metrics where higher is better (accuracy, F1, AUC, reward…), unless they also name an error or a loss. */
const HIGHER_IS_BETTER = /acc|auc|f1|precision|recall|score|reward|return|iou|bleu|rouge|ndcg|r2|map\b/i;
const LOWER_IS_BETTER = /loss|err|mse|mae|perplexity|latency|time|cost|regret/i;

/**
 * Whether `metric` is minimised: the study's direction for its objective (or, of a multi-objective
 * study, for its other values); for another metric, a guess from its name (`val_accuracy` is
 * maximised, `val_loss` minimised), minimise when it says nothing.
 */
export function directionOf(study: Study, metric: string): 'minimize' | 'maximize' {
  if (study.objective?.metric === metric) return study.objective.direction;
  // A multi-objective Optuna study's other values (`value_1`…) have their directions in a tag.
  const index = /^value_(\d+)$/.exec(metric)?.[1];
  const tagged = index === undefined ? undefined : study.tags?.[OBJECTIVE_DIRECTIONS_TAG]?.split(',')[+index];
  if (tagged === 'minimize' || tagged === 'maximize') return tagged;
  return HIGHER_IS_BETTER.test(metric) && !LOWER_IS_BETTER.test(metric) ? 'maximize' : 'minimize';
}

/** Extracts the columns of `study` for `metric`. O(trials × params). */
export function extractAnalysis(store: TrialStore, study: Study, metric: string): AnalysisData {
  const all = store.trialsOf(study.id);
  const trials = all.filter((t) => t.status === 'succeeded').sort((a, b) => a.number - b.number);
  const objective = new Float64Array(trials.length);
  let noObjective = 0;
  let objectiveMin = Number.POSITIVE_INFINITY;
  let objectiveMax = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < trials.length; i++) {
    const value = store.lastValue(trials[i].id, metric);
    if (value === undefined || !Number.isFinite(value)) {
      objective[i] = Number.NaN;
      noObjective++;
      continue;
    }
    objective[i] = value;
    if (value < objectiveMin) objectiveMin = value;
    if (value > objectiveMax) objectiveMax = value;
  }
  const scales = declaredScales(study.searchSpace);
  const names = new Set<string>();
  for (const trial of trials) for (const name in trial.params) names.add(name);
  const params = [...names].sort().map((name) => paramColumn(name, trials, scales.get(name)));
  return {
    study,
    metric,
    direction: directionOf(study, metric),
    trials,
    objective,
    objectiveMin: noObjective === trials.length ? Number.NaN : objectiveMin,
    objectiveMax: noObjective === trials.length ? Number.NaN : objectiveMax,
    params,
    unfinished: all.length - trials.length,
    noObjective,
  };
}

function paramColumn(
  name: string,
  trials: readonly Trial[],
  declared: 'log' | 'linear' | undefined,
): ParamColumn {
  const raw: (ParamValue | undefined)[] = trials.map((t) => ownValue(t.params, name));
  let present = 0;
  let numeric = 0;
  for (const value of raw) {
    if (value === undefined) continue;
    present++;
    if (paramNumber(value) !== undefined) numeric++;
  }
  const missing = trials.length - present;
  if (present > 0 && numeric >= NUMERIC_SHARE * present) return numericColumn(name, raw, missing, declared);
  return categoricalColumn(name, raw, missing);
}

function numericColumn(
  name: string,
  raw: readonly (ParamValue | undefined)[],
  missing: number,
  declared: 'log' | 'linear' | undefined,
): ParamColumn {
  const values = new Float64Array(raw.length);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < raw.length; i++) {
    const n = raw[i] === undefined ? undefined : paramNumber(raw[i]);
    values[i] = n !== undefined && Number.isFinite(n) ? n : Number.NaN;
    if (values[i] < min) min = values[i];
    if (values[i] > max) max = values[i];
  }
  const logBy =
    declared === 'log' ? 'search-space' : !declared && spreadSuggestsLog(min, max) ? 'spread' : undefined;
  if (logBy) {
    // A log axis cannot place zero or negatives: they join the unplaced values.
    min = Number.POSITIVE_INFINITY;
    for (let i = 0; i < values.length; i++) {
      if (!(values[i] > 0)) values[i] = Number.NaN;
      else if (values[i] < min) min = values[i];
    }
  }
  let placed = 0;
  let integers = true;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    placed++;
    integers &&= Number.isInteger(v);
  }
  return {
    name,
    scale: logBy ? 'log' : 'linear',
    ...(logBy && { logBy }),
    ...(integers && placed > 0 && { integers }),
    values,
    categories: [],
    min: placed ? min : Number.NaN,
    max: placed ? max : Number.NaN,
    missing,
    unplaced: raw.length - missing - placed,
  };
}

function categoricalColumn(
  name: string,
  raw: readonly (ParamValue | undefined)[],
  missing: number,
): ParamColumn {
  const labels = new Set<string>();
  for (const value of raw) if (value !== undefined) labels.add(String(value));
  const categories = [...labels].sort(compareLabels);
  const index = new Map(categories.map((label, i) => [label, i]));
  const values = new Float64Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const value = raw[i];
    values[i] = value === undefined ? Number.NaN : index.get(String(value))!;
  }
  return {
    name,
    scale: 'categorical',
    values,
    categories,
    min: categories.length ? 0 : Number.NaN,
    max: categories.length ? categories.length - 1 : Number.NaN,
    missing,
    unplaced: 0,
  };
}

/** Numbers in numeric order before text in text order, so `16, 32, 128` keep their order. */
function compareLabels(a: string, b: string): number {
  const x = paramNumber(a);
  const y = paramNumber(b);
  if (x !== undefined && y !== undefined) return x - y;
  if (x !== undefined) return -1;
  if (y !== undefined) return 1;
  return a.localeCompare(b);
}

/**
 * Sentences saying what a view left out and why; empty when nothing was. A view that draws no
 * param axis passes `params: false` to leave out the per-param sentences.
 */
export function leftOutNotes(data: AnalysisData, options: { params?: boolean } = {}): string[] {
  const notes: string[] = [];
  if (data.unfinished)
    notes.push(`${count(data.unfinished, 'trial')} not finished (running, pruned or failed) left out.`);
  if (data.noObjective)
    notes.push(
      `${count(data.noObjective, 'finished trial')} without a finite ${data.metric} (missing, NaN or infinite) drawn apart.`,
    );
  for (const p of options.params === false ? [] : data.params) {
    if (p.missing) notes.push(`${p.name}: ${count(p.missing, 'trial')} without it, drawn apart.`);
    if (p.unplaced)
      notes.push(
        `${p.name}: ${count(p.unplaced, 'value')} that ${p.scale === 'log' ? 'a log axis cannot place (zero, negative or text)' : 'are not numbers'}, drawn apart.`,
      );
    if (p.logBy === 'spread') notes.push(`${p.name}: log axis, as its values span three decades or more.`);
    if (p.min === p.max && !Number.isNaN(p.min)) notes.push(`${p.name}: every trial has the same value.`);
  }
  return notes;
}

/** `3 trials`, `1 trial`. */
export function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}
