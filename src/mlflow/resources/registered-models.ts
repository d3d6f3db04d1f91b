/** The registered-model endpoints of the model registry (`registered-models/*`), aliases included. */
import type { ModelVersion, RegisteredModel } from '../entities.js';
import { notIdempotent, type RequestOptions, type Transport } from '../http.js';
import { PagePromise } from '../pagination.js';
import { responses } from '../schemas.js';
import { type KeyValues, type ParamValue, stringPairs, stringValue } from '../wire.js';

/** A model version as the methods take it: a string as on the wire, or a number for convenience. */
export type VersionInput = string | number;

/** Options of `createRegisteredModel`. */
export interface CreateRegisteredModelOptions extends RequestOptions {
  tags?: KeyValues;
  description?: string;
}

/** Parameters of `searchRegisteredModels`. */
export interface SearchRegisteredModelsParams {
  /** MLflow filter syntax, e.g. `name LIKE 'fraud-%'` or `tags.team = 'vision'`. */
  filter?: string;
  /** e.g. `['name ASC', 'last_updated_timestamp DESC']`. */
  orderBy?: string[];
  /** Page size; the server's default (100) when omitted, at most 1000. */
  maxResults?: number;
  pageToken?: string;
}

/** One page of `searchRegisteredModels`. */
export interface RegisteredModelsPage {
  registeredModels: RegisteredModel[];
  nextPageToken?: string;
}

export async function createRegisteredModel(
  http: Transport,
  name: string,
  options: CreateRegisteredModelOptions = {},
): Promise<RegisteredModel> {
  const body = { name, tags: stringPairs(options.tags, 'tag'), description: options.description };
  const res = await http.post(
    'registered-models/create',
    body,
    responses.registeredModel,
    notIdempotent(options),
  );
  return res.registered_model;
}

export async function getRegisteredModel(
  http: Transport,
  name: string,
  options?: RequestOptions,
): Promise<RegisteredModel> {
  return (await http.get('registered-models/get', { name }, responses.registeredModel, options))
    .registered_model;
}

export async function renameRegisteredModel(
  http: Transport,
  name: string,
  newName: string,
  options?: RequestOptions,
): Promise<RegisteredModel> {
  const body = { name, new_name: newName };
  const res = await http.post(
    'registered-models/rename',
    body,
    responses.registeredModel,
    notIdempotent(options),
  );
  return res.registered_model;
}

export async function updateRegisteredModel(
  http: Transport,
  name: string,
  description: string,
  options?: RequestOptions,
): Promise<RegisteredModel> {
  const body = { name, description };
  return (await http.patch('registered-models/update', body, responses.registeredModel, options))
    .registered_model;
}

export async function deleteRegisteredModel(
  http: Transport,
  name: string,
  options?: RequestOptions,
): Promise<void> {
  await http.delete('registered-models/delete', { name }, responses.empty, options);
}

export function searchRegisteredModels(
  http: Transport,
  params: SearchRegisteredModelsParams = {},
  options?: RequestOptions,
): PagePromise<RegisteredModelsPage, RegisteredModel> {
  const fetchPage = async (pageToken?: string): Promise<RegisteredModelsPage> => {
    const query = {
      filter: params.filter,
      order_by: params.orderBy,
      max_results: params.maxResults,
      page_token: pageToken,
    };
    const res = await http.get('registered-models/search', query, responses.searchRegisteredModels, options);
    return { registeredModels: res.registered_models, nextPageToken: res.next_page_token || undefined };
  };
  return new PagePromise(fetchPage, (page) => page.registeredModels, params.pageToken);
}

export async function setRegisteredModelTag(
  http: Transport,
  name: string,
  key: string,
  value: ParamValue,
  options?: RequestOptions,
): Promise<void> {
  const body = { name, key, value: stringValue(key, value, 'tag') };
  await http.post('registered-models/set-tag', body, responses.empty, options);
}

export async function deleteRegisteredModelTag(
  http: Transport,
  name: string,
  key: string,
  options?: RequestOptions,
): Promise<void> {
  await http.delete('registered-models/delete-tag', { name, key }, responses.empty, options);
}

export async function setRegisteredModelAlias(
  http: Transport,
  name: string,
  alias: string,
  version: VersionInput,
  options?: RequestOptions,
): Promise<void> {
  const body = { name, alias, version: String(version) };
  await http.post('registered-models/alias', body, responses.empty, options);
}

export async function deleteRegisteredModelAlias(
  http: Transport,
  name: string,
  alias: string,
  options?: RequestOptions,
): Promise<void> {
  await http.delete('registered-models/alias', { name, alias }, responses.empty, options);
}

export async function getModelVersionByAlias(
  http: Transport,
  name: string,
  alias: string,
  options?: RequestOptions,
): Promise<ModelVersion> {
  const res = await http.get('registered-models/alias', { name, alias }, responses.modelVersion, options);
  return res.model_version;
}

export async function getLatestVersions(
  http: Transport,
  name: string,
  stages: string[] | undefined,
  options?: RequestOptions,
): Promise<ModelVersion[]> {
  const body = { name, stages };
  return (await http.post('registered-models/get-latest-versions', body, responses.modelVersions, options))
    .model_versions;
}
