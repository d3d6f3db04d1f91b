/**
 * A run's artifacts: listed through the tracking API (`artifacts/list`), uploaded and downloaded
 * through the tracking server's artifact proxy (`mlflow-artifacts`), which is what lets a browser or
 * a remote service move files without credentials for the store behind it.
 */
import type { FileInfo } from '../entities.js';
import { MlflowValidationError } from '../errors.js';
import { ARTIFACTS_API, type RequestOptions, type Transport } from '../http.js';
import { PagePromise } from '../pagination.js';
import { responses } from '../schemas.js';
import { getRun } from './runs.js';

/**
 * What `uploadArtifact` sends. A `string` or `URL` is a file path (Node only), streamed from disk
 * and reread for a retry; bytes and Blobs are sent as they are; a `ReadableStream` (in Node, e.g.
 * `Readable.toWeb(nodeStream)`) is sent as it is read, hence once and never retried (browsers
 * stream request bodies only over HTTP/2). Files, Blobs and streams go with bounded memory through
 * the global fetch; through a `fetch` passed in the client options, memory is up to that fetch.
 * Text is passed as bytes or a Blob, never as a string.
 */
export type ArtifactBody = string | URL | Uint8Array | ArrayBuffer | Blob | ReadableStream<Uint8Array>;

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

export async function uploadArtifact(
  http: Transport,
  runId: string,
  path: string,
  body: ArtifactBody,
  options?: RequestOptions,
): Promise<void> {
  const url = artifactUrl(await proxiedRoot(http, runId, options), path);
  const raw = await replayable(body);
  const once = body instanceof ReadableStream ? { ...options, retry: false as const } : options;
  const spec = { method: 'PUT' as const, path: url, raw, idempotent: once?.idempotent ?? true };
  await http.exchange(spec, (response) => response.text(), once);
}

export async function downloadArtifact(
  http: Transport,
  runId: string,
  path: string,
  options?: RequestOptions,
): Promise<ReadableStream<Uint8Array>> {
  const url = artifactUrl(await proxiedRoot(http, runId, options), path);
  const spec = { method: 'GET' as const, path: url, idempotent: true };
  return http.exchange(spec, async (response) => response.body ?? new Blob([]).stream(), options);
}

/** The run's artifact root as a path below the proxy, e.g. `1/<runId>/artifacts`. */
async function proxiedRoot(http: Transport, runId: string, options?: RequestOptions): Promise<string> {
  const run = await getRun(http, runId, options);
  return proxyPath(run.info.artifactUri ?? '');
}

/**
 * The proxy path of an artifact URI the tracking server serves: `mlflow-artifacts:/<path>`,
 * `mlflow-artifacts://<host>/<path>` or `http(s)://<host>/api/2.0/mlflow-artifacts/artifacts/<path>`.
 * Other URIs (`s3://`, `file://`) are not reachable through the server.
 */
export function proxyPath(artifactUri: string): string {
  const anchor = `${ARTIFACTS_API}/`;
  let path: string | undefined;
  if (artifactUri.startsWith('mlflow-artifacts:')) {
    path = artifactUri.replace(/^mlflow-artifacts:(\/\/[^/]*)?/, '');
  } else if (/^https?:/.test(artifactUri) && artifactUri.includes(anchor)) {
    path = artifactUri.slice(artifactUri.indexOf(anchor) + anchor.length);
  }
  if (path === undefined) {
    throw new MlflowValidationError(
      'artifactUri',
      `${artifactUri || 'an empty URI'} is not served by the tracking server's artifact proxy; ` +
        'start `mlflow server` with `--serve-artifacts` and a default artifact root of `mlflow-artifacts:/`',
    );
  }
  return path.replace(/^\/+|\/+$/g, '');
}

/** The proxy URL path of `path` below `root`, every segment encoded. */
function artifactUrl(root: string, path: string): string {
  const segments = path.split('/');
  if (!path || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new MlflowValidationError('path', `${JSON.stringify(path)} is not a relative artifact path`);
  }
  return `${ARTIFACTS_API}/${[...root.split('/'), ...segments].map(encodeURIComponent).join('/')}`;
}

/** Node's `fs`, looked up at run time so that browser bundles never include it. */
const NODE_FS = 'node:fs';

/** A function making the request body afresh for each attempt; a stream can only be handed out once. */
async function replayable(body: ArtifactBody): Promise<() => BodyInit> {
  if (typeof body === 'string' || body instanceof URL) {
    const fs = (await import(/* @vite-ignore */ NODE_FS)) as typeof import('node:fs');
    // A Blob backed by the file: read from disk as the socket drains, afresh for each attempt, and
    // sent with its length.
    const unreadable = (why: string) =>
      new MlflowValidationError(
        'body',
        `cannot upload ${String(body)}: ${why} (a string is a file path; pass text as bytes)`,
      );
    const stat = await fs.promises.stat(body).catch((err: NodeJS.ErrnoException) => {
      throw unreadable(err.code === 'ENOENT' ? 'no such file' : (err.code ?? err.message));
    });
    if (!stat.isFile()) throw unreadable('not a file');
    const file = await fs.openAsBlob(body);
    return () => file;
  }
  if (body instanceof ReadableStream) return () => body;
  return () => body as BodyInit;
}
