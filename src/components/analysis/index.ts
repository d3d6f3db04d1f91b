/**
 * `trialkit/analysis`: the analysis views — parallel coordinates, param importance (fANOVA, in a
 * Web Worker), slice plots and the optimisation history — and what they share. Importing registers no tag: call `defineAnalysisViews()` or each
 * class's `define()`. The dashboard loads them itself when its Analysis tab opens.
 */

export { ParallelCoords } from '../parallel-coords/parallel-coords.js';
export { fanovaProgram } from '../param-importance/fanova.js';
export { type ImportanceRows, importanceInput } from '../param-importance/importance-input.js';
export type {
  ImportanceInput,
  ImportanceOptions,
  ImportanceParam,
  ImportanceResult,
  ParamImportance as ParamImportanceShare,
} from '../param-importance/importance-types.js';
export {
  computeImportanceOffThread,
  ImportanceError,
  type ImportanceVenue,
} from '../param-importance/importance-worker.js';
export { ParamImportance } from '../param-importance/param-importance.js';
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
