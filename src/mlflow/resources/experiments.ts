/** The experiment endpoints of the tracking API (`experiments/*`). */
import type { Experiment, ViewType } from '../entities.js';
import { MlflowNotFoundError } from '../errors.js';
import { notIdempotent, type RequestOptions, type Transport } from '../http.js';
import { DEFAULT_SEARCH_PAGE, LENGTH_LIMITS } from '../limits.js';
import { PagePromise } from '../pagination.js';
import { responses } from '../schemas.js';
import { validateKey, validateValue } from '../validation.js';
import { type KeyValues, type ParamValue, stringValue, wirePairs } from '../wire.js';

/** Options of `createExperiment`. */
export interface CreateExperimentOptions extends RequestOptions {
  artifactLocation?: string;
  tags?: KeyValues;
}

/** Parameters of `searchExperiments`. */
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

/** One page of `searchExperiments`. */
export interface ExperimentsPage {
  experiments: Experiment[];
  nextPageToken?: string;
}

export async function createExperiment(
  http: Transport,
  name: string,
  options: CreateExperimentOptions = {},
): Promise<string> {
  validateValue('name', name, LENGTH_LIMITS.experimentName, 'experiment name');
  const tags = wirePairs(options.tags, 'experiment tag', LENGTH_LIMITS.experimentTagValue);
  const body = { name, artifact_location: options.artifactLocation, tags };
  const res = await http.post('experiments/create', body, responses.createExperiment, notIdempotent(options));
  return res.experiment_id;
}

export async function getExperiment(
  http: Transport,
  experimentId: string,
  options?: RequestOptions,
): Promise<Experiment> {
  const query = { experiment_id: experimentId };
  return (await http.get('experiments/get', query, responses.getExperiment, options)).experiment;
}

export async function getExperimentByName(
  http: Transport,
  name: string,
  options?: RequestOptions,
): Promise<Experiment | undefined> {
  try {
    const query = { experiment_name: name };
    return (await http.get('experiments/get-by-name', query, responses.getExperiment, options)).experiment;
  } catch (error) {
    if (error instanceof MlflowNotFoundError) return undefined;
    throw error;
  }
}

export function searchExperiments(
  http: Transport,
  params: SearchExperimentsParams = {},
  options?: RequestOptions,
): PagePromise<ExperimentsPage, Experiment> {
  const fetchPage = async (pageToken?: string): Promise<ExperimentsPage> => {
    const body = {
      filter: params.filter,
      order_by: params.orderBy,
      max_results: params.maxResults ?? DEFAULT_SEARCH_PAGE,
      view_type: params.viewType,
      page_token: pageToken,
    };
    const res = await http.post('experiments/search', body, responses.searchExperiments, options);
    return { experiments: res.experiments, nextPageToken: res.next_page_token || undefined };
  };
  return new PagePromise(fetchPage, (page) => page.experiments, params.pageToken);
}

export async function updateExperiment(
  http: Transport,
  experimentId: string,
  newName: string,
  options?: RequestOptions,
): Promise<void> {
  validateValue('newName', newName, LENGTH_LIMITS.experimentName, 'experiment name');
  const body = { experiment_id: experimentId, new_name: newName };
  await http.post('experiments/update', body, responses.empty, options);
}

export async function deleteExperiment(
  http: Transport,
  experimentId: string,
  options?: RequestOptions,
): Promise<void> {
  await http.post('experiments/delete', { experiment_id: experimentId }, responses.empty, options);
}

export async function restoreExperiment(
  http: Transport,
  experimentId: string,
  options?: RequestOptions,
): Promise<void> {
  await http.post('experiments/restore', { experiment_id: experimentId }, responses.empty, options);
}

export async function setExperimentTag(
  http: Transport,
  experimentId: string,
  key: string,
  value: ParamValue,
  options?: RequestOptions,
): Promise<void> {
  validateKey(key, 'experiment tag key');
  const text = stringValue(key, value, 'experiment tag');
  validateValue(key, text, LENGTH_LIMITS.experimentTagValue, 'experiment tag value');
  const body = { experiment_id: experimentId, key, value: text };
  await http.post('experiments/set-experiment-tag', body, responses.empty, options);
}

export async function deleteExperimentTag(
  http: Transport,
  experimentId: string,
  key: string,
  options?: RequestOptions,
): Promise<void> {
  const body = { experiment_id: experimentId, key };
  await http.post('experiments/delete-experiment-tag', body, responses.empty, options);
}
