// `MlflowClient`: one method per MLflow tracking endpoint, typed in and out. Transport concerns
// (retries, timeouts, errors) live in `http.ts`; wire encoding in `wire.ts` and `schemas.ts`.
import type { z } from 'zod';
import { packBatches } from './batch.js';
import type {
  Experiment,
  FileInfo,
  MetricPoint,
  Run,
  RunInfo,
  RunMetricPoint,
  RunStatus,
  ViewType,
} from './entities.js';
import { MlflowNotFoundError, MlflowValidationError } from './errors.js';
import { type RequestOptions, type RequestSpec, Transport } from './http.js';
import { BULK_INTERVAL_LIMITS, LENGTH_LIMITS, METRIC_HISTORY_PAGE } from './limits.js';
import type { RetryOptions } from './retry.js';
import { RunLogger, type RunLoggerOptions } from './run-logger.js';
import { responses } from './schemas.js';
import { int64, validateKey, validateValue } from './validation.js';
import {
  type EncodedItem,
  encodeParam,
  encodeTag,
  type KeyValues,
  MetricEncoder,
  type MetricInput,
  type ParamValue,
  pairs,
  stringValue,
} from './wire.js';

/** How to reach and talk to an MLflow tracking server. */
export interface MlflowClientOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:5000`. */
  trackingUri: string;
  /** Sent as `Authorization: Bearer <token>` (unless username and password are set). */
  token?: string;
  /** With `password`: HTTP Basic auth, which wins over `token` as in MLflow's Python client. */
  username?: string;
  password?: string;
  /** A `fetch` implementation; defaults to the global one. */
  fetch?: typeof fetch;
  /** Per-attempt timeout in milliseconds. Default 30 s. */
  timeoutMs?: number;
  /** Retry policy for every call; `false` sends each request once. See {@link RetryOptions}. */
  retry?: RetryOptions | false;
  /** Extra headers for every request. */
  headers?: Record<string, string>;
}

/** Options of {@link MlflowClient.createExperiment}. */
export interface CreateExperimentOptions extends RequestOptions {
  artifactLocation?: string;
  tags?: KeyValues;
}

export interface SearchExperimentsParams {
  /** MLflow filter syntax, e.g. `name LIKE 'study-%'`. */
  filter?: string;
  /** e.g. `['creation_time DESC']`. */
  orderBy?: string[];
  /** Page size. Default 1000. */
  maxResults?: number;
  viewType?: ViewType;
  pageToken?: string;
}

export interface CreateRunParams {
  experimentId: string;
  runName?: string;
  /** Milliseconds since the epoch; defaults to now. */
  startTime?: number;
  tags?: KeyValues;
  userId?: string;
}

export interface UpdateRunParams {
  runId: string;
  status?: RunStatus;
  /** Milliseconds since the epoch. */
  endTime?: number;
  runName?: string;
}

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

/** Input of {@link MlflowClient.logBatch}; any size, split into as many requests as MLflow's limits need. */
export interface LogBatchInput {
  metrics?: readonly MetricInput[];
  /** A param may repeat only with the same value (MLflow refuses changing a param). */
  params?: KeyValues;
  /** A repeated tag key keeps its last value. */
  tags?: KeyValues;
}

export interface LogBatchOptions extends RequestOptions {
  /** Requests in flight at once when the batch is split. Default 2. */
  concurrency?: number;
}

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

const API = '/api/2.0/mlflow';
/** Page size of searches when none is given; MLflow's Python client uses the same. */
const DEFAULT_PAGE = 1000;

/**
 * A typed client for the MLflow tracking REST API. Runs in Node 22+, browsers and workers.
 *
 * Every method takes {@link RequestOptions} last (an `AbortSignal`, a timeout, a retry policy) and
 * throws subclasses of `MlflowError`. Idempotent calls are retried on 408/429/5xx and network
 * errors; `createRun` and `createExperiment` only when the server proves it did nothing (429, 503).
 */
export class MlflowClient {
  /** The tracking URI without a trailing slash. */
  readonly trackingUri: string;
  private readonly transport: Transport;

  constructor(options: MlflowClientOptions) {
    if (!options.trackingUri) throw new MlflowValidationError('trackingUri', 'a tracking URI is required');
    this.trackingUri = options.trackingUri.replace(/\/+$/, '');
    const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.transport = new Transport({
      baseUrl: this.trackingUri,
      headers: { ...options.headers, ...authHeader(options) },
      fetch: fetchImpl,
      timeoutMs: options.timeoutMs ?? 30_000,
      retry: options.retry,
    });
  }

  /**
   * A client configured like MLflow's Python client: `MLFLOW_TRACKING_URI`, `MLFLOW_TRACKING_TOKEN`,
   * `MLFLOW_TRACKING_USERNAME` and `MLFLOW_TRACKING_PASSWORD` (Basic wins when both are set).
   * `overrides` win over the environment. Node only (reads `process.env`) unless `env` is passed.
   */
  static fromEnv(
    overrides: Partial<MlflowClientOptions> = {},
    env: Record<string, string | undefined> = (
      globalThis as { process?: { env: Record<string, string | undefined> } }
    ).process?.env ?? {},
  ): MlflowClient {
    const trackingUri = overrides.trackingUri ?? env.MLFLOW_TRACKING_URI;
    if (!trackingUri) throw new MlflowValidationError('MLFLOW_TRACKING_URI', 'is not set');
    return new MlflowClient({
      token: env.MLFLOW_TRACKING_TOKEN || undefined,
      username: env.MLFLOW_TRACKING_USERNAME || undefined,
      password: env.MLFLOW_TRACKING_PASSWORD || undefined,
      ...overrides,
      trackingUri,
    });
  }

  // ---------------------------------------------------------------- experiments

  /** Creates an experiment and returns its id. Not retried on ambiguous failures (see README). */
  async createExperiment(name: string, options: CreateExperimentOptions = {}): Promise<string> {
    validateValue('name', name, LENGTH_LIMITS.experimentName, 'experiment name');
    const body = { name, artifact_location: options.artifactLocation, tags: wirePairs(options.tags, 'tag') };
    const res = await this.post('experiments/create', body, responses.createExperiment, options, false);
    return res.experiment_id;
  }

  /** Gets an experiment by id; throws `MlflowNotFoundError` when there is none. */
  async getExperiment(experimentId: string, options?: RequestOptions): Promise<Experiment> {
    const res = await this.get(
      'experiments/get',
      { experiment_id: experimentId },
      responses.getExperiment,
      options,
    );
    return res.experiment;
  }

  /** Gets an experiment by name, deleted ones included; `undefined` when there is none (as in Python). */
  async getExperimentByName(name: string, options?: RequestOptions): Promise<Experiment | undefined> {
    try {
      const res = await this.get(
        'experiments/get-by-name',
        { experiment_name: name },
        responses.getExperiment,
        options,
      );
      return res.experiment;
    } catch (error) {
      if (error instanceof MlflowNotFoundError) return undefined;
      throw error;
    }
  }

  /** One page of experiments. */
  async searchExperiments(
    params: SearchExperimentsParams = {},
    options?: RequestOptions,
  ): Promise<{ experiments: Experiment[]; nextPageToken?: string }> {
    const body = {
      filter: params.filter,
      order_by: params.orderBy,
      max_results: params.maxResults ?? DEFAULT_PAGE,
      view_type: params.viewType,
      page_token: params.pageToken,
    };
    const res = await this.post('experiments/search', body, responses.searchExperiments, options);
    return { experiments: res.experiments, nextPageToken: res.next_page_token || undefined };
  }

  /** Every matching experiment, page after page: `for await (const e of client.iterateExperiments())`. */
  iterateExperiments(
    params: Omit<SearchExperimentsParams, 'pageToken'> = {},
    options?: RequestOptions,
  ): AsyncIterable<Experiment> {
    return paginate(
      (pageToken) => this.searchExperiments({ ...params, pageToken }, options),
      (p) => p.experiments,
    );
  }

  /** Renames an experiment. */
  async updateExperiment(experimentId: string, newName: string, options?: RequestOptions): Promise<void> {
    validateValue('newName', newName, LENGTH_LIMITS.experimentName, 'experiment name');
    await this.post(
      'experiments/update',
      { experiment_id: experimentId, new_name: newName },
      responses.empty,
      options,
    );
  }

  /** Marks an experiment (and its runs) deleted; `restoreExperiment` undoes it. */
  async deleteExperiment(experimentId: string, options?: RequestOptions): Promise<void> {
    await this.post('experiments/delete', { experiment_id: experimentId }, responses.empty, options);
  }

  async restoreExperiment(experimentId: string, options?: RequestOptions): Promise<void> {
    await this.post('experiments/restore', { experiment_id: experimentId }, responses.empty, options);
  }

  async setExperimentTag(
    experimentId: string,
    key: string,
    value: ParamValue,
    options?: RequestOptions,
  ): Promise<void> {
    validateKey(key, 'experiment tag key');
    const text = stringValue(key, value, 'experiment tag');
    validateValue(key, text, LENGTH_LIMITS.experimentTagValue, 'experiment tag value');
    const body = { experiment_id: experimentId, key, value: text };
    await this.post('experiments/set-experiment-tag', body, responses.empty, options);
  }

  async deleteExperimentTag(experimentId: string, key: string, options?: RequestOptions): Promise<void> {
    await this.post(
      'experiments/delete-experiment-tag',
      { experiment_id: experimentId, key },
      responses.empty,
      options,
    );
  }

  // ---------------------------------------------------------------- runs

  /** Creates a run. Not idempotent: retried only on 429/503, when the server did nothing. */
  async createRun(params: CreateRunParams, options?: RequestOptions): Promise<Run> {
    const body = {
      experiment_id: params.experimentId,
      run_name: params.runName,
      start_time: params.startTime ?? Date.now(),
      user_id: params.userId,
      tags: wirePairs(params.tags, 'tag'),
    };
    const res = await this.post('runs/create', body, responses.createRun, options, false);
    return res.run;
  }

  /** Gets a run with its params, tags and latest metrics; throws `MlflowNotFoundError` when there is none. */
  async getRun(runId: string, options?: RequestOptions): Promise<Run> {
    return (await this.get('runs/get', { run_id: runId }, responses.getRun, options)).run;
  }

  /** Changes a run's status, end time or name; returns the updated info when the server sends it. */
  async updateRun(params: UpdateRunParams, options?: RequestOptions): Promise<RunInfo | undefined> {
    const body = {
      run_id: params.runId,
      status: params.status,
      end_time: params.endTime === undefined ? undefined : int64(params.runId, 'endTime', params.endTime, 0n),
      run_name: params.runName,
    };
    return (await this.post('runs/update', body, responses.updateRun, options)).run_info;
  }

  /** Marks a run deleted; `restoreRun` undoes it. */
  async deleteRun(runId: string, options?: RequestOptions): Promise<void> {
    await this.post('runs/delete', { run_id: runId }, responses.empty, options);
  }

  async restoreRun(runId: string, options?: RequestOptions): Promise<void> {
    await this.post('runs/restore', { run_id: runId }, responses.empty, options);
  }

  /** One page of runs. */
  async searchRuns(
    params: SearchRunsParams,
    options?: RequestOptions,
  ): Promise<{ runs: Run[]; nextPageToken?: string }> {
    const body = {
      experiment_ids: params.experimentIds,
      filter: params.filter,
      order_by: params.orderBy,
      max_results: params.maxResults ?? DEFAULT_PAGE,
      run_view_type: params.viewType,
      page_token: params.pageToken,
    };
    const res = await this.post('runs/search', body, responses.searchRuns, options);
    return { runs: res.runs, nextPageToken: res.next_page_token || undefined };
  }

  /** Every matching run, page after page (`maxResults` is the page size). */
  iterateRuns(params: Omit<SearchRunsParams, 'pageToken'>, options?: RequestOptions): AsyncIterable<Run> {
    return paginate(
      (pageToken) => this.searchRuns({ ...params, pageToken }, options),
      (p) => p.runs,
    );
  }

  async setTag(runId: string, key: string, value: ParamValue, options?: RequestOptions): Promise<void> {
    await this.post('runs/set-tag', withRunId(runId, encodeTag(key, value)), responses.empty, options);
  }

  async deleteTag(runId: string, key: string, options?: RequestOptions): Promise<void> {
    await this.post('runs/delete-tag', { run_id: runId, key }, responses.empty, options);
  }

  /** Logs one point. Prefer {@link logBatch} or {@link runLogger} for more than a few. */
  async logMetric(
    runId: string,
    key: string,
    value: number,
    point: { step?: number | string; timestamp?: number | string } = {},
    options?: RequestOptions,
  ): Promise<void> {
    const item = new MetricEncoder().encode(key, value, point.step, point.timestamp);
    await this.post('runs/log-metric', withRunId(runId, item), responses.empty, options);
  }

  /** Logs a param; logging it again with another value fails with `MlflowInvalidRequestError`. */
  async logParam(runId: string, key: string, value: ParamValue, options?: RequestOptions): Promise<void> {
    await this.post(
      'runs/log-parameter',
      withRunId(runId, encodeParam(key, value)),
      responses.empty,
      options,
    );
  }

  /**
   * Logs metrics, params and tags of any number: validated first (nothing is sent if any key is bad),
   * then split into requests within MLflow's limits and sent `concurrency` at a time.
   */
  async logBatch(runId: string, input: LogBatchInput, options: LogBatchOptions = {}): Promise<void> {
    const encoder = new MetricEncoder();
    const metrics = (input.metrics ?? []).map((m) => encoder.encode(m.key, m.value, m.step, m.timestamp));
    const params = uniqueParams(pairs(input.params).map((p) => encodeParam(p.key, p.value)));
    const tags = lastTagWins(pairs(input.tags).map((t) => encodeTag(t.key, t.value)));
    const bodies = packBatches(runId, { params, tags, metrics });
    await inParallel(bodies, options.concurrency ?? 2, (body) =>
      this.post('runs/log-batch', body, responses.empty, options),
    );
  }

  /** Records datasets a run used. */
  async logInputs(runId: string, datasets: DatasetInputParam[], options?: RequestOptions): Promise<void> {
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
    await this.post('runs/log-inputs', body, responses.empty, options);
  }

  /** A buffered logger for training loops; see {@link RunLogger}. */
  runLogger(runId: string, options?: RunLoggerOptions): RunLogger {
    return new RunLogger((body, requestOptions) => this.postBatch(body, requestOptions), runId, options);
  }

  // ---------------------------------------------------------------- metrics

  /** Every point of a metric, all pages, in server order (timestamp, step, value). */
  async getMetricHistory(
    runId: string,
    key: string,
    options: RequestOptions & { pageSize?: number } = {},
  ): Promise<MetricPoint[]> {
    const points: MetricPoint[] = [];
    for await (const point of this.iterateMetricHistory(runId, key, options)) points.push(point);
    return points;
  }

  /** A metric's points, page after page. */
  iterateMetricHistory(
    runId: string,
    key: string,
    options: RequestOptions & { pageSize?: number } = {},
  ): AsyncIterable<MetricPoint> {
    const fetchPage = async (pageToken?: string) => {
      const query = {
        run_id: runId,
        metric_key: key,
        max_results: options.pageSize ?? METRIC_HISTORY_PAGE,
        page_token: pageToken,
      };
      const res = await this.get('metrics/get-history', query, responses.metricHistory, options);
      return { metrics: res.metrics, nextPageToken: res.next_page_token || undefined };
    };
    return paginate(fetchPage, (p) => p.metrics);
  }

  /** A metric sampled across steps for up to 100 runs, as the MLflow UI charts it. */
  async getMetricHistoryBulkInterval(
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
    return (await this.get('metrics/get-history-bulk-interval', query, responses.bulkInterval, options))
      .metrics;
  }

  // ---------------------------------------------------------------- artifacts

  /** One page of a run's artifacts under `path` (the root when omitted). */
  async listArtifacts(
    runId: string,
    params: { path?: string; pageToken?: string } = {},
    options?: RequestOptions,
  ): Promise<{ rootUri?: string; files: FileInfo[]; nextPageToken?: string }> {
    const query = { run_id: runId, path: params.path, page_token: params.pageToken };
    const res = await this.get('artifacts/list', query, responses.listArtifacts, options);
    return { rootUri: res.root_uri, files: res.files, nextPageToken: res.next_page_token || undefined };
  }

  /** Every artifact directly under `path`, page after page. */
  iterateArtifacts(
    runId: string,
    params: { path?: string } = {},
    options?: RequestOptions,
  ): AsyncIterable<FileInfo> {
    return paginate(
      (pageToken) => this.listArtifacts(runId, { ...params, pageToken }, options),
      (p) => p.files,
    );
  }

  // ---------------------------------------------------------------- transport

  /** Posts a pre-serialized log-batch body; used by {@link RunLogger}. */
  private postBatch(body: string, options?: RequestOptions): Promise<unknown> {
    return this.post('runs/log-batch', body, responses.empty, options);
  }

  private get<S extends z.ZodType>(
    endpoint: string,
    query: RequestSpec['query'],
    schema: S,
    options?: RequestOptions,
  ): Promise<z.output<S>> {
    return this.transport.send(
      { method: 'GET', path: `${API}/${endpoint}`, query, idempotent: true },
      schema,
      options,
    );
  }

  private post<S extends z.ZodType>(
    endpoint: string,
    body: unknown,
    schema: S,
    options?: RequestOptions,
    idempotent = true,
  ): Promise<z.output<S>> {
    return this.transport.send(
      { method: 'POST', path: `${API}/${endpoint}`, body, idempotent },
      schema,
      options,
    );
  }
}

function authHeader(options: MlflowClientOptions): Record<string, string> {
  if (options.username !== undefined && options.password !== undefined) {
    const bytes = new TextEncoder().encode(`${options.username}:${options.password}`);
    return { Authorization: `Basic ${btoa(String.fromCharCode(...bytes))}` };
  }
  if (options.token) return { Authorization: `Bearer ${options.token}` };
  return {};
}

/** The body of a single-entity endpoint: the encoded item's fields plus `run_id`. */
function withRunId(runId: string, item: EncodedItem): string {
  return `{"run_id":${JSON.stringify(runId)},${item.json.slice(1)}`;
}

/** Validated key/value pairs in wire form (`[{ key, value }]`). */
function wirePairs(
  values: KeyValues | undefined,
  what: string,
): { key: string; value: string }[] | undefined {
  if (values === undefined) return undefined;
  return pairs(values).map(({ key, value }) => {
    validateKey(key, `${what} key`);
    const text = stringValue(key, value, what);
    validateValue(key, text, LENGTH_LIMITS.tagValue, `${what} value`);
    return { key, value: text };
  });
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

/** Runs `task` over `items`, at most `concurrency` at a time; rejects with the first failure. */
async function inParallel<T>(
  items: T[],
  concurrency: number,
  task: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    try {
      while (!failed && next < items.length) await task(items[next++]);
    } catch (error) {
      failed = true; // the other workers stop taking new items
      throw error;
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, concurrency), items.length) }, worker));
}

/** Follows `nextPageToken` until a page comes without one. */
function paginate<P extends { nextPageToken?: string }, T>(
  fetchPage: (pageToken?: string) => Promise<P>,
  itemsOf: (page: P) => T[],
): AsyncIterable<T> {
  return {
    async *[Symbol.asyncIterator]() {
      let pageToken: string | undefined;
      do {
        const page = await fetchPage(pageToken);
        yield* itemsOf(page);
        pageToken = page.nextPageToken;
      } while (pageToken);
    },
  };
}
