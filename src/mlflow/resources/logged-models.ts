/** The logged-model endpoints of the tracking API (MLflow 3, `logged-models/*`). */
import type { LoggedModel, LoggedModelStatus } from '../entities.js';
import { notIdempotent, type RequestOptions, type Transport } from '../http.js';
import { DEFAULT_SEARCH_PAGE } from '../limits.js';
import { PagePromise } from '../pagination.js';
import { LOGGED_MODEL_WIRE_STATUS, responses } from '../schemas.js';
import { type KeyValues, stringPairs } from '../wire.js';

/** Parameters of `createLoggedModel`. */
export interface CreateLoggedModelParams {
  experimentId: string;
  /** A random name when omitted, as in MLflow. */
  name?: string;
  modelType?: string;
  /** The run that produced the model. */
  sourceRunId?: string;
  params?: KeyValues;
  tags?: KeyValues;
}

/** How `searchLoggedModels` orders: a field (`creation_timestamp`, `metrics.accuracy`, …) and direction. */
export interface LoggedModelOrderBy {
  fieldName: string;
  /** Default true. */
  ascending?: boolean;
  /** For a metric: only its values on this dataset. */
  datasetName?: string;
  datasetDigest?: string;
}

/** Parameters of `searchLoggedModels`. */
export interface SearchLoggedModelsParams {
  experimentIds: string[];
  /** MLflow filter syntax, e.g. `metrics.accuracy > 0.9 AND params.lr = '0.01'`. */
  filter?: string;
  /** Only metrics on these datasets count in `filter`. */
  datasets?: { datasetName: string; datasetDigest?: string }[];
  orderBy?: LoggedModelOrderBy[];
  /** Page size. Default 1000. */
  maxResults?: number;
  pageToken?: string;
}

/** One page of `searchLoggedModels`. */
export interface LoggedModelsPage {
  models: LoggedModel[];
  nextPageToken?: string;
}

/** The endpoint of one logged model, its id encoded. */
function modelPath(modelId: string, rest = ''): string {
  return `logged-models/${encodeURIComponent(modelId)}${rest}`;
}

export async function createLoggedModel(
  http: Transport,
  params: CreateLoggedModelParams,
  options?: RequestOptions,
): Promise<LoggedModel> {
  const body = {
    experiment_id: params.experimentId,
    name: params.name,
    model_type: params.modelType,
    source_run_id: params.sourceRunId,
    params: stringPairs(params.params, 'param'),
    tags: stringPairs(params.tags, 'tag'),
  };
  return (await http.post('logged-models', body, responses.loggedModel, notIdempotent(options))).model;
}

export async function getLoggedModel(
  http: Transport,
  modelId: string,
  options?: RequestOptions,
): Promise<LoggedModel> {
  return (await http.get(modelPath(modelId), undefined, responses.loggedModel, options)).model;
}

export async function finalizeLoggedModel(
  http: Transport,
  modelId: string,
  status: Extract<LoggedModelStatus, 'READY' | 'FAILED'>,
  options?: RequestOptions,
): Promise<LoggedModel> {
  const body = { model_id: modelId, status: LOGGED_MODEL_WIRE_STATUS[status] };
  return (await http.patch(modelPath(modelId), body, responses.loggedModel, options)).model;
}

export async function deleteLoggedModel(
  http: Transport,
  modelId: string,
  options?: RequestOptions,
): Promise<void> {
  await http.delete(modelPath(modelId), { model_id: modelId }, responses.empty, options);
}

export function searchLoggedModels(
  http: Transport,
  params: SearchLoggedModelsParams,
  options?: RequestOptions,
): PagePromise<LoggedModelsPage, LoggedModel> {
  const fetchPage = async (pageToken?: string): Promise<LoggedModelsPage> => {
    const body = {
      experiment_ids: params.experimentIds,
      filter: params.filter,
      datasets: params.datasets?.map((d) => ({
        dataset_name: d.datasetName,
        dataset_digest: d.datasetDigest,
      })),
      order_by: params.orderBy?.map((o) => ({
        field_name: o.fieldName,
        ascending: o.ascending ?? true,
        dataset_name: o.datasetName,
        dataset_digest: o.datasetDigest,
      })),
      max_results: params.maxResults ?? DEFAULT_SEARCH_PAGE,
      page_token: pageToken,
    };
    const res = await http.post('logged-models/search', body, responses.searchLoggedModels, options);
    return { models: res.models, nextPageToken: res.next_page_token || undefined };
  };
  return new PagePromise(fetchPage, (page) => page.models, params.pageToken);
}

export async function setLoggedModelTags(
  http: Transport,
  modelId: string,
  tags: KeyValues,
  options?: RequestOptions,
): Promise<void> {
  const body = { model_id: modelId, tags: stringPairs(tags, 'tag') };
  await http.patch(modelPath(modelId, '/tags'), body, responses.empty, options);
}

export async function deleteLoggedModelTag(
  http: Transport,
  modelId: string,
  key: string,
  options?: RequestOptions,
): Promise<void> {
  const path = modelPath(modelId, `/tags/${encodeURIComponent(key)}`);
  await http.delete(path, { model_id: modelId, tag_key: key }, responses.empty, options);
}

export async function logLoggedModelParams(
  http: Transport,
  modelId: string,
  params: KeyValues,
  options?: RequestOptions,
): Promise<void> {
  const body = { model_id: modelId, params: stringPairs(params, 'param') };
  await http.post(modelPath(modelId, '/params'), body, responses.empty, options);
}
