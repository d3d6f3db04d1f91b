/** The metric-history endpoints of the tracking API (`metrics/*`). */
import type { MetricPoint, RunMetricPoint } from '../entities.js';
import { MlflowValidationError } from '../errors.js';
import type { RequestOptions, Transport } from '../http.js';
import { BULK_INTERVAL_LIMITS, METRIC_HISTORY_PAGE } from '../limits.js';
import { PagePromise } from '../pagination.js';
import { responses } from '../schemas.js';

/** Options of the metric-history calls. */
export interface MetricHistoryOptions extends RequestOptions {
  /** Points per page. Default 25,000. */
  pageSize?: number;
}

/** One page of a metric's history. */
export interface MetricHistoryPage {
  metrics: MetricPoint[];
  nextPageToken?: string;
}

/** Parameters of `getMetricHistoryBulkInterval`. */
export interface BulkIntervalParams {
  /** At most 100 runs. */
  runIds: string[];
  metricKey: string;
  /** Both or neither. */
  startStep?: number;
  endStep?: number;
  /** Points per run, 1 to 2500; MLflow samples evenly and keeps the first and last. */
  maxResults?: number;
}

export function listMetricHistory(
  http: Transport,
  runId: string,
  key: string,
  options: MetricHistoryOptions = {},
): PagePromise<MetricHistoryPage, MetricPoint> {
  const fetchPage = async (pageToken?: string): Promise<MetricHistoryPage> => {
    const query = {
      run_id: runId,
      metric_key: key,
      max_results: options.pageSize ?? METRIC_HISTORY_PAGE,
      page_token: pageToken,
    };
    const res = await http.get('metrics/get-history', query, responses.metricHistory, options);
    return { metrics: res.metrics, nextPageToken: res.next_page_token || undefined };
  };
  return new PagePromise(fetchPage, (page) => page.metrics);
}

export async function getMetricHistory(
  http: Transport,
  runId: string,
  key: string,
  options: MetricHistoryOptions = {},
): Promise<MetricPoint[]> {
  const points: MetricPoint[] = [];
  for await (const point of listMetricHistory(http, runId, key, options)) points.push(point);
  return points;
}

export async function getMetricHistoryBulkInterval(
  http: Transport,
  params: BulkIntervalParams,
  options?: RequestOptions,
): Promise<RunMetricPoint[]> {
  if (params.runIds.length > BULK_INTERVAL_LIMITS.runs) {
    throw new MlflowValidationError(
      'runIds',
      `at most ${BULK_INTERVAL_LIMITS.runs} runs, got ${params.runIds.length}`,
    );
  }
  const query = {
    run_ids: params.runIds,
    metric_key: params.metricKey,
    start_step: params.startStep,
    end_step: params.endStep,
    max_results: params.maxResults,
  };
  return (await http.get('metrics/get-history-bulk-interval', query, responses.bulkInterval, options))
    .metrics;
}
