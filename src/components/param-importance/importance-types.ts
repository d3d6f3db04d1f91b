/**
 * What the importance computation takes and gives. Plain data (typed arrays, numbers, strings), so
 * it crosses to a Web Worker by structured clone.
 */

/** One hyperparameter as the forest sees it. */
export interface ImportanceParam {
  readonly name: string;
  /** `numeric`: values are numbers in [low, high]; `categorical`: values are category indices. */
  readonly kind: 'numeric' | 'categorical';
  /** One value per analysed trial (the rows of `ImportanceInput.target`); never NaN. */
  readonly values: Float64Array;
  /** Numeric: the search space's bounds (declared, else observed). Categorical: 0 and categories - 1. */
  readonly low: number;
  readonly high: number;
  /** Categorical: how many categories; 0 for numeric params. */
  readonly categories: number;
}

/** The rows the forest is fitted on: trials with every analysed param and a finite objective. */
export interface ImportanceInput {
  readonly params: readonly ImportanceParam[];
  /** The objective of each row. */
  readonly target: Float64Array;
}

/** How the forest is grown; Optuna's `FanovaImportanceEvaluator` defaults where it has them. */
export interface ImportanceOptions {
  /** Trees in the forest (Optuna: 64). */
  readonly trees?: number;
  /** Deepest split (Optuna: 64). */
  readonly maxDepth?: number;
  /** Seed of the bootstrap and feature order, so a recomputation on the same trials agrees with itself. */
  readonly seed?: number;
  /**
   * Grow only the trees [from, to) of the forest (each tree draws its own random numbers, so the
   * parts of a forest grown in several workers make the same forest); combine the parts' `sums`.
   */
  readonly part?: { readonly from: number; readonly to: number };
}

/** What a part of a forest found: per param (in input order), its per-tree fractions summed. */
export interface ImportanceSums {
  readonly names: readonly string[];
  /** Σ over the counted trees of the param's share of the tree's variance. */
  readonly fractions: number[];
  /** Σ of the squares of those shares. */
  readonly squares: number[];
  /** Trees counted: those whose variance is not 0. */
  counted: number;
  /** Trees grown. */
  readonly trees: number;
  /** Rows fitted. */
  readonly rows: number;
}

/** One param's share of the objective's variance. */
export interface ParamImportance {
  readonly name: string;
  /** Normalised: the importances of one result sum to 1 (all 0 when the objective does not vary). */
  readonly importance: number;
  /** Standard deviation of the (normalised) per-tree fractions: how much the trees agree. */
  readonly spread: number;
}

/** What the computation found, most important first. */
export interface ImportanceResult {
  /** The method, named in the view. */
  readonly method: 'fanova';
  readonly importances: readonly ParamImportance[];
  /** Rows fitted. */
  readonly trials: number;
  /** Trees grown. */
  readonly trees: number;
  /** Wall time of the computation where it ran (worker or page). */
  readonly ms: number;
  /** The sums behind the result, to combine with other parts of the same forest. */
  readonly sums?: ImportanceSums;
}
