/**
 * `trialkit/analysis`: the analysis views — parallel coordinates, slice plots and the optimisation
 * history — and what they share. Importing registers no tag: call `defineAnalysisViews()` or each
 * class's `define()`. The dashboard loads them itself when its Analysis tab opens.
 */
export { ParallelCoords } from '../parallel-coords/parallel-coords.js';
export { SlicePlot } from '../slice-plot/slice-plot.js';
export { TrialHistory } from '../trial-history/trial-history.js';
export { AnalysisController } from './analysis-controller.js';
export {
  type AnalysisData,
  analysedMetric,
  extractAnalysis,
  type ParamColumn,
  ParamScale,
} from './analysis-data.js';
export { defineAnalysisViews } from './define-views.js';
