/**
 * What a dashboard loads once it has something to show: the live connection (store, sources,
 * validation) and the metrics chart, in one chunk. Neither draws anything before data arrives, so
 * `trialkit/define` leaves both out of the page's first script; one chunk, not two, as they
 * compress better together.
 */
export { connect } from '../../client/connect.js';
export { MetricsChart } from '../metrics-chart/metrics-chart.js';
