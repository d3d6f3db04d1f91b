/**
 * The component classes, their events and types. Importing this module registers no tag: call
 * `X.define()` or import `trialkit/define`.
 */

export * from './define-exports.js';
export { MetricsChart } from './metrics-chart/metrics-chart.js';
