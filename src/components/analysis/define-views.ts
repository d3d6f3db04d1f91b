/**
 * Registers the analysis views. Loaded by the dashboard with `import()` the first time its
 * Analysis tab opens, and by `trialkit/analysis` users who call it.
 */

import { ParallelCoords } from '../parallel-coords/parallel-coords.js';
import { ParamImportance } from '../param-importance/param-importance.js';
import { SlicePlot } from '../slice-plot/slice-plot.js';
import { TrialHistory } from '../trial-history/trial-history.js';

/**
 * Registers `<trial-parallel-coords>`, `<trial-param-importance>`, `<trial-slice-plot>` and
 * `<trial-history>` unless already registered. Idempotent.
 */
export function defineAnalysisViews(): void {
  ParallelCoords.define();
  ParamImportance.define();
  SlicePlot.define();
  TrialHistory.define();
}
