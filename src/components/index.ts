/**
 * The component classes, their events and types. Importing this module registers no tag: call
 * `X.define()` or import `trialkit/define`.
 */

export * from './define-exports.js';
export { ChartExportError } from './metrics-chart/export-error.js';
export { MetricsChart } from './metrics-chart/metrics-chart.js';
