// The component classes, their events and types. Importing this module registers no tag:
// call `X.define()` or import `trialkit/define`.

export {
  MetricsChart,
  TrialHoverEvent,
  TrialPinEvent,
  type XAxis,
  type YScale,
  ZoomChangeEvent,
} from './metrics-chart.js';
export { ResizeController } from './resize-controller.js';
export { RunList, StudySelectEvent } from './run-list.js';
export { StoreController } from './store-controller.js';
export type { StudySummary } from './study-summary.js';
export type { ColumnKind, MetricValue, TableColumn } from './table/columns.js';
export type { MetricRange, ParamFilter, TrialFilters } from './table/filter.js';
export type { SortDirection, SortSpec } from './table/sort.js';
export { SERIES_PALETTE, themeTokens, trialStyle } from './theme.js';
export { type AlertRule, TrialAlertEvent, TrialDashboard, TrialFinishedEvent } from './trial-dashboard.js';
export { TrialSelectEvent, TrialTable } from './trial-table.js';
export { VirtualRowsController } from './virtual-rows.js';
