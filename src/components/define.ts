/**
 * `import 'trialkit/define'` registers every trialkit tag: trial-dashboard, trial-run-list,
 * trial-table and trial-metrics-chart. The package's one module with a side effect.
 */
import { TrialDashboard } from './trial-dashboard/trial-dashboard.js';

TrialDashboard.define();

export * from './index.js';
