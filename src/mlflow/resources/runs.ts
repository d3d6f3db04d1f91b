/** The run endpoints of the tracking API (`runs/*`): the run itself, its tags, params and logging. */
import { packBatches } from '../batch.js';
import { mapConcurrently } from '../concurrency.js';
import type { Run, RunInfo, RunStatus, ViewType } from '../entities.js';
import { MlflowValidationError } from '../errors.js';
import { notIdempotent, type RequestOptions, type Transport } from '../http.js';
import { DEFAULT_SEARCH_PAGE } from '../limits.js';
import { PagePromise } from '../pagination.js';
import { responses } from '../schemas.js';
import { int64 } from '../validation.js';
import {
  type EncodedItem,
  encodeParam,
  encodeTag,
  type KeyValues,
  MetricEncoder,
  type MetricInput,
  type ParamValue,
  pairs,
  wirePairs,
} from '../wire.js';

/** Parameters of `createRun`. */
export interface CreateRunParams {
  experimentId: string;
  runName?: string;
  /** Milliseconds since the epoch; defaults to now. */
  startTime?: number;
  tags?: KeyValues;
  userId?: string;
}

/** Parameters of `updateRun`. */
export interface UpdateRunParams {
  runId: string;
  status?: RunStatus;
  /** Milliseconds since the epoch. */
  endTime?: number;
  runName?: string;
}

/** Parameters of `searchRuns`. */
export interface SearchRunsParams {
  experimentIds: string[];
  /** MLflow filter syntax, e.g. `metrics.loss < 0.1 and params.lr = '0.01'`. */
  filter?: string;
  /** e.g. `['metrics.loss ASC', 'start_time DESC']`. */
  orderBy?: string[];
  /** Page size. Default 1000 (MLflow allows up to 50,000). */
  maxResults?: number;
  viewType?: ViewType;
  pageToken?: string;
}

/** One page of `searchRuns`. */
export interface RunsPage {
  runs: Run[];
  nextPageToken?: string;
}

/** Input of `logBatch`; any size, split into as many requests as MLflow's limits need. */
export interface LogBatchInput {
  metrics?: readonly MetricInput[];
  /** A param may repeat only with the same value (MLflow refuses changing a param). */
  params?: KeyValues;
  /** A repeated tag key keeps its last value. */
  tags?: KeyValues;
}

/** Options of `logBatch`. */
export interface LogBatchOptions extends RequestOptions {
  /** Requests in flight at once when the batch is split. Default 2. */
  concurrency?: number;
}

/** A dataset a run used, for `logInputs`. */
export interface DatasetInputParam {
  dataset: {
    name: string;
    digest: string;
    sourceType: string;
    source: string;
    schema?: string;
    profile?: string;
  };
  tags?: KeyValues;
}

export async function createRun(
  http: Transport,
  params: CreateRunParams,
  options?: RequestOptions,
): Promise<Run> {
  const body = {
    experiment_id: params.experimentId,
    run_name: params.runName,
    start_time: params.startTime ?? Date.now(),
    user_id: params.userId,
    tags: wirePairs(params.tags, 'tag'),
  };
  return (await http.post('runs/create', body, responses.createRun, notIdempotent(options))).run;
}

export async function getRun(http: Transport, runId: string, options?: RequestOptions): Promise<Run> {
  return (await http.get('runs/get', { run_id: runId }, responses.getRun, options)).run;
}

export async function updateRun(
  http: Transport,
  params: UpdateRunParams,
  options?: RequestOptions,
): Promise<RunInfo | undefined> {
  const body = {
    run_id: params.runId,
    status: params.status,
    end_time: params.endTime === undefined ? undefined : int64(params.runId, 'endTime', params.endTime, 0n),
    run_name: params.runName,
  };
  return (await http.post('runs/update', body, responses.updateRun, options)).run_info;
}

export async function deleteRun(http: Transport, runId: string, options?: RequestOptions): Promise<void> {
  await http.post('runs/delete', { run_id: runId }, responses.empty, options);
}

export async function restoreRun(http: Transport, runId: string, options?: RequestOptions): Promise<void> {
  await http.post('runs/restore', { run_id: runId }, responses.empty, options);
}

export function searchRuns(
  http: Transport,
  params: SearchRunsParams,
  options?: RequestOptions,
): PagePromise<RunsPage, Run> {
  const fetchPage = async (pageToken?: string): Promise<RunsPage> => {
    const body = {
      experiment_ids: params.experimentIds,
      filter: params.filter,
      order_by: params.orderBy,
      max_results: params.maxResults ?? DEFAULT_SEARCH_PAGE,
      run_view_type: params.viewType,
      page_token: pageToken,
    };
    const res = await http.post('runs/search', body, responses.searchRuns, options);
    return { runs: res.runs, nextPageToken: res.next_page_token || undefined };
  };
  return new PagePromise(fetchPage, (page) => page.runs, params.pageToken);
}

export async function setTag(
  http: Transport,
  runId: string,
  key: string,
  value: ParamValue,
  options?: RequestOptions,
): Promise<void> {
  await http.post('runs/set-tag', withRunId(runId, encodeTag(key, value)), responses.empty, options);
}

export async function deleteTag(
  http: Transport,
  runId: string,
  key: string,
  options?: RequestOptions,
): Promise<void> {
  await http.post('runs/delete-tag', { run_id: runId, key }, responses.empty, options);
}

export async function logMetric(
  http: Transport,
  runId: string,
  key: string,
  value: number,
  point: { step?: number | string; timestamp?: number | string } = {},
  options?: RequestOptions,
): Promise<void> {
  const item = new MetricEncoder().encode(key, value, point.step, point.timestamp);
  await http.post('runs/log-metric', withRunId(runId, item), responses.empty, options);
}

export async function logParam(
  http: Transport,
  runId: string,
  key: string,
  value: ParamValue,
  options?: RequestOptions,
): Promise<void> {
  await http.post('runs/log-parameter', withRunId(runId, encodeParam(key, value)), responses.empty, options);
}

export async function logBatch(
  http: Transport,
  runId: string,
  input: LogBatchInput,
  options: LogBatchOptions = {},
): Promise<void> {
  const encoder = new MetricEncoder();
  const metrics = (input.metrics ?? []).map((m) => encoder.encode(m.key, m.value, m.step, m.timestamp));
  const params = uniqueParams(pairs(input.params).map((p) => encodeParam(p.key, p.value)));
  const tags = lastTagWins(pairs(input.tags).map((t) => encodeTag(t.key, t.value)));
  const bodies = packBatches(runId, { params, tags, metrics });
  await mapConcurrently(bodies, options.concurrency ?? 2, (body) => postBatch(http, body, options));
}

/** Posts a pre-serialized log-batch body; what `RunLogger` sends. */
export function postBatch(http: Transport, body: string, options?: RequestOptions): Promise<unknown> {
  return http.post('runs/log-batch', body, responses.empty, options);
}

export async function logInputs(
  http: Transport,
  runId: string,
  datasets: DatasetInputParam[],
  options?: RequestOptions,
): Promise<void> {
  const body = {
    run_id: runId,
    datasets: datasets.map(({ dataset, tags }) => ({
      tags: wirePairs(tags, 'input tag'),
      dataset: {
        name: dataset.name,
        digest: dataset.digest,
        source_type: dataset.sourceType,
        source: dataset.source,
        schema: dataset.schema,
        profile: dataset.profile,
      },
    })),
  };
  await http.post('runs/log-inputs', body, responses.empty, options);
}

/** The body of a single-entity endpoint: the encoded item's fields plus `run_id`. */
function withRunId(runId: string, item: EncodedItem): string {
  return `{"run_id":${JSON.stringify(runId)},${item.json.slice(1)}`;
}

/** Drops repeats of a param with the same value; a repeat with another value is an error MLflow would raise. */
function uniqueParams(params: EncodedItem[]): EncodedItem[] {
  const seen = new Map<string, string>();
  return params.filter((param) => {
    const earlier = seen.get(param.key);
    if (earlier === undefined) {
      seen.set(param.key, param.json);
      return true;
    }
    if (earlier !== param.json)
      throw new MlflowValidationError(param.key, 'param given twice with different values');
    return false;
  });
}

/** Keeps the last value of each tag key, so split requests cannot reorder two writes of one tag. */
function lastTagWins(tags: EncodedItem[]): EncodedItem[] {
  return [...new Map(tags.map((tag) => [tag.key, tag])).values()];
}
