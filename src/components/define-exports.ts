/**
 * What `trialkit/define` exports: every class, event and type of `trialkit/components` but the
 * chart's class, which is a type here, as its code loads with the dashboard's connection.
 */

export * from './events/index.js';
export { ResizeController } from './internal/resize-controller.js';
export { StoreController } from './internal/store-controller.js';
export type { StudySummary } from './internal/study-summary.js';
export { SERIES_PALETTE, themeTokens, trialStyle } from './internal/theme.js';
export { VirtualRowsController } from './internal/virtual-rows.js';
export type { MetricsChart } from './metrics-chart/metrics-chart.js';
export type { XAxis, YScale } from './metrics-chart/scales.js';
// Types only: the analysis views (`trialkit/analysis`) and the comments thread load on demand, so
// `trialkit/define`, which re-exports this module, must not pull their code in.
export type { ParallelCoords } from './parallel-coords/parallel-coords.js';
export type { ParamImportance } from './param-importance/param-importance.js';
export { RunList } from './run-list/run-list.js';
export type { SlicePlot } from './slice-plot/slice-plot.js';
export type { TrialComments } from './trial-comments/trial-comments.js';
export { TrialDashboard } from './trial-dashboard/trial-dashboard.js';
export {
  DEFAULT_VIEW,
  fromQuery,
  toQuery,
  VIEW_STATE_VERSION,
  type ViewState,
} from './trial-dashboard/view-state.js';
export type { TrialHistory } from './trial-history/trial-history.js';
export type { ColumnKind, MetricValue, TableColumn } from './trial-table/columns.js';
export type { MetricRange, ParamFilter, TrialFilters } from './trial-table/filter.js';
export type { SortDirection, SortSpec } from './trial-table/sort.js';
export { TrialTable } from './trial-table/trial-table.js';
