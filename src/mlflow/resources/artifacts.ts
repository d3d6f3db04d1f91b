/** The artifact endpoints of the tracking API (`artifacts/*`). */
import type { FileInfo } from '../entities.js';
import type { RequestOptions, Transport } from '../http.js';
import { PagePromise } from '../pagination.js';
import { responses } from '../schemas.js';

/** Parameters of `listArtifacts`. */
export interface ListArtifactsParams {
  /** The directory to list; the run's artifact root when omitted. */
  path?: string;
  pageToken?: string;
}

/** One page of `listArtifacts`. */
export interface ArtifactsPage {
  rootUri?: string;
  files: FileInfo[];
  nextPageToken?: string;
}

export function listArtifacts(
  http: Transport,
  runId: string,
  params: ListArtifactsParams = {},
  options?: RequestOptions,
): PagePromise<ArtifactsPage, FileInfo> {
  const fetchPage = async (pageToken?: string): Promise<ArtifactsPage> => {
    const query = { run_id: runId, path: params.path, page_token: pageToken };
    const res = await http.get('artifacts/list', query, responses.listArtifacts, options);
    return { rootUri: res.root_uri, files: res.files, nextPageToken: res.next_page_token || undefined };
  };
  return new PagePromise(fetchPage, (page) => page.files, params.pageToken);
}
