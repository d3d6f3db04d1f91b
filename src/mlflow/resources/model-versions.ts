/** The model-version endpoints of the model registry (`model-versions/*`). */
import type { ModelVersion } from '../entities.js';
import { notIdempotent, type RequestOptions, type Transport } from '../http.js';
import { PagePromise } from '../pagination.js';
import { responses } from '../schemas.js';
import { type KeyValues, type ParamValue, stringPairs, stringValue } from '../wire.js';
import type { VersionInput } from './registered-models.js';

/** Parameters of `createModelVersion`. */
export interface CreateModelVersionParams {
  /** The registered model; it must exist. */
  name: string;
  /**
   * Where the model's files are: `models:/<modelId>`, an artifact URI, or `runs:/<runId>/<path>`
   * (then `runId` must name the same run: the server checks that the source lies within it).
   */
  source: string;
  runId?: string;
  tags?: KeyValues;
  description?: string;
  /** A link to the run in another MLflow, when the run is not on this server. */
  runLink?: string;
  /** The MLflow 3 logged model the version is made from. */
  modelId?: string;
}

/** Parameters of `searchModelVersions`. */
export interface SearchModelVersionsParams {
  /** MLflow filter syntax, e.g. `name = 'fraud'` or `run_id = '…'`. */
  filter?: string;
  /** e.g. `['version_number DESC']`. */
  orderBy?: string[];
  /** Page size; the server's default (10,000) when omitted. */
  maxResults?: number;
  pageToken?: string;
}

/** One page of `searchModelVersions`. */
export interface ModelVersionsPage {
  modelVersions: ModelVersion[];
  nextPageToken?: string;
}

/** The name and version that every single-version call sends. */
function versionOf(name: string, version: VersionInput): { name: string; version: string } {
  return { name, version: String(version) };
}

export async function createModelVersion(
  http: Transport,
  params: CreateModelVersionParams,
  options?: RequestOptions,
): Promise<ModelVersion> {
  const body = {
    name: params.name,
    source: params.source,
    run_id: params.runId,
    tags: stringPairs(params.tags, 'tag'),
    run_link: params.runLink,
    description: params.description,
    model_id: params.modelId,
  };
  const res = await http.post('model-versions/create', body, responses.modelVersion, notIdempotent(options));
  return res.model_version;
}

export async function getModelVersion(
  http: Transport,
  name: string,
  version: VersionInput,
  options?: RequestOptions,
): Promise<ModelVersion> {
  const query = versionOf(name, version);
  return (await http.get('model-versions/get', query, responses.modelVersion, options)).model_version;
}

export async function updateModelVersion(
  http: Transport,
  name: string,
  version: VersionInput,
  description: string,
  options?: RequestOptions,
): Promise<ModelVersion> {
  const body = { ...versionOf(name, version), description };
  return (await http.patch('model-versions/update', body, responses.modelVersion, options)).model_version;
}

export async function deleteModelVersion(
  http: Transport,
  name: string,
  version: VersionInput,
  options?: RequestOptions,
): Promise<void> {
  await http.delete('model-versions/delete', versionOf(name, version), responses.empty, options);
}

export function searchModelVersions(
  http: Transport,
  params: SearchModelVersionsParams = {},
  options?: RequestOptions,
): PagePromise<ModelVersionsPage, ModelVersion> {
  const fetchPage = async (pageToken?: string): Promise<ModelVersionsPage> => {
    const query = {
      filter: params.filter,
      order_by: params.orderBy,
      max_results: params.maxResults,
      page_token: pageToken,
    };
    const res = await http.get('model-versions/search', query, responses.searchModelVersions, options);
    return { modelVersions: res.model_versions, nextPageToken: res.next_page_token || undefined };
  };
  return new PagePromise(fetchPage, (page) => page.modelVersions, params.pageToken);
}

export async function setModelVersionTag(
  http: Transport,
  name: string,
  version: VersionInput,
  key: string,
  value: ParamValue,
  options?: RequestOptions,
): Promise<void> {
  const body = { ...versionOf(name, version), key, value: stringValue(key, value, 'tag') };
  await http.post('model-versions/set-tag', body, responses.empty, options);
}

export async function deleteModelVersionTag(
  http: Transport,
  name: string,
  version: VersionInput,
  key: string,
  options?: RequestOptions,
): Promise<void> {
  const body = { ...versionOf(name, version), key };
  await http.delete('model-versions/delete-tag', body, responses.empty, options);
}

export async function getModelVersionDownloadUri(
  http: Transport,
  name: string,
  version: VersionInput,
  options?: RequestOptions,
): Promise<string> {
  const query = versionOf(name, version);
  return (await http.get('model-versions/get-download-uri', query, responses.downloadUri, options))
    .artifact_uri;
}

export async function transitionModelVersionStage(
  http: Transport,
  name: string,
  version: VersionInput,
  stage: string,
  archiveExistingVersions: boolean,
  options?: RequestOptions,
): Promise<ModelVersion> {
  const body = { ...versionOf(name, version), stage, archive_existing_versions: archiveExistingVersions };
  return (await http.post('model-versions/transition-stage', body, responses.modelVersion, options))
    .model_version;
}
