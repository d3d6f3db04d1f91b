/**
 * `import 'trialkit/define'` registers every trialkit tag: trial-dashboard, trial-run-list and
 * trial-table at once, and trial-metrics-chart when its code, loaded with the connection's, arrives
 * (`await customElements.whenDefined('trial-metrics-chart')` for it; or import `MetricsChart` from
 * `trialkit/components` and call its `define()`). The package's one module with a side effect.
 */
import { TrialDashboard } from './trial-dashboard/trial-dashboard.js';

TrialDashboard.define();

export * from './define-exports.js';
