/**
 * Serves a producer's series windows over HTTP, beside its event stream (SSE at `/events`,
 * windows at `/series`): `GET /series?study=&key=&x=&from=&to=&columns=&trials=a,b`, or `POST`
 * with a JSON `SeriesWindowQuery` body for long trial lists. The answer is binary
 * (`SERIES_WINDOW_CONTENT_TYPE`: float64 columns, a third smaller than JSON and nothing to parse)
 * unless the request accepts only `application/json`; either is compressed when the request
 * accepts it (browsers do, and inflate it themselves): zstd, else brotli, else gzip. Bad input
 * gets 400 and unknown studies, trials or keys 404, both as `{ error, field }`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import {
  type EventProducer,
  encodeSeriesWindow,
  nonFiniteAsString,
  parseSeriesWindowQuery,
  SERIES_WINDOW_CONTENT_TYPE,
  type SeriesWindow,
  SeriesWindowQueryError,
} from '../protocol/index.js';
import { BODY_SPENT, bodySpent, parsedBody } from './parsed-body.js';

export interface SeriesWindowHandlerOptions {
  /** Extra response headers, e.g. for CORS. */
  headers?: Record<string, string>;
}

/** A request handler for Node's `http`, Express and Fastify, with a fetch-style twin for Hono. */
export interface SeriesWindowHandler {
  (req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Answers a fetch `Request`: `app.all('/series', (c) => handler.handleRequest(c.req.raw))`. */
  handleRequest(request: Request): Promise<Response>;
}

/** POSTed queries larger than this are refused (10,000 trial ids fit). */
const MAX_BODY_BYTES = 1024 * 1024;

/** Answers smaller than this go as they are: compressing would save less than its own framing costs. */
const MIN_COMPRESSED_BYTES = 1024;

const zstdCompress = typeof zlib.zstdCompress === 'function' ? promisify(zlib.zstdCompress) : undefined;
const brotliCompress = promisify(zlib.brotliCompress);
const gzipCompress = promisify(zlib.gzip);

/**
 * Content codings by preference, each at its fastest level: the byte planes of `number-columns.ts`
 * shrink about as much at it as at the default. A 1,000-trial zoom (34 MB) takes zstd 76 ms, brotli
 * 138 ms and gzip 576 ms, to within 3 % of the same size. zstd only where Node has it (22.15+).
 */
const CODINGS: { name: Coding; compress: (body: string | Uint8Array) => Promise<Buffer> }[] = [
  ...(zstdCompress
    ? [
        {
          name: 'zstd' as const,
          compress: (body: string | Uint8Array) =>
            zstdCompress(body, { params: { [zlib.constants.ZSTD_c_compressionLevel]: 1 } }),
        },
      ]
    : []),
  {
    name: 'br',
    compress: (body) =>
      brotliCompress(body, {
        params: {
          [zlib.constants.BROTLI_PARAM_QUALITY]: 1,
          [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
        },
      }),
  },
  { name: 'gzip', compress: (body) => gzipCompress(body, { level: 1 }) },
];

type Coding = 'zstd' | 'br' | 'gzip';

interface Answer {
  status: number;
  type: string;
  body: string | Uint8Array;
  /** The content coding once {@link compress} has compressed the body. */
  encoding?: Coding;
}

/** Creates the handler; the producer must offer `seriesWindow`. */
export function createSeriesWindowHandler(
  producer: EventProducer,
  options: SeriesWindowHandlerOptions = {},
): SeriesWindowHandler {
  const seriesWindow = producer.seriesWindow?.bind(producer);
  if (!seriesWindow) throw new TypeError('this producer does not serve series windows (no seriesWindow)');

  const answer = async (
    method: string,
    url: URL,
    accept: string | null,
    body: () => Promise<string>,
    signal: AbortSignal,
  ): Promise<Answer> => {
    let window: SeriesWindow;
    try {
      if (method !== 'GET' && method !== 'POST') return failure(405, 'use GET or POST', 'method');
      const input = method === 'GET' ? queryFromUrl(url) : parseJsonBody(await body());
      window = await seriesWindow(parseSeriesWindowQuery(input), signal);
    } catch (err) {
      if (err instanceof SeriesWindowQueryError) {
        const field = method === 'GET' ? urlField(err.field) : err.field;
        return failure(err.unknown ? 404 : 400, err.message, field);
      }
      if (err instanceof BodyError) return failure(err.status, err.message, 'body');
      throw err;
    }
    return wantsJson(accept)
      ? { status: 200, type: 'application/json', body: JSON.stringify(window, nonFiniteAsString) }
      : { status: 200, type: SERIES_WINDOW_CONTENT_TYPE, body: encodeSeriesWindow(window) };
  };

  const node = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const url = new URL(req.url ?? '/', 'http://localhost');
    const result = await answer(
      req.method ?? 'GET',
      url,
      req.headers.accept ?? null,
      () => readBody(req),
      abort.signal,
    )
      .then((result) => compress(result, req.headers['accept-encoding'] ?? null))
      .catch((err: unknown) => failure(500, err instanceof Error ? err.message : String(err), 'server'));
    if (abort.signal.aborted) return;
    const headers = headersOf(result, options.headers);
    // A body refused part-read leaves the rest on the connection: the client must not reuse it.
    if (result.status === 413 && req.httpVersionMajor < 2) headers.Connection = 'close';
    res.writeHead(result.status, headers).end(result.body);
  };

  const handleRequest = async (request: Request): Promise<Response> => {
    const result = await answer(
      request.method,
      new URL(request.url),
      request.headers.get('accept'),
      async () => {
        const text = await request.text();
        if (text.length > MAX_BODY_BYTES) throw new BodyError(413, 'request body too large');
        return text;
      },
      request.signal,
    )
      .then((result) => compress(result, request.headers.get('accept-encoding')))
      .catch((err: unknown) => failure(500, err instanceof Error ? err.message : String(err), 'server'));
    return new Response(result.body as BodyInit, {
      status: result.status,
      headers: headersOf(result, options.headers),
    });
  };

  return Object.defineProperty(node as SeriesWindowHandler, 'handleRequest', { value: handleRequest });
}

class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function failure(status: number, error: string, field: string): Answer {
  return { status, type: 'application/json', body: JSON.stringify({ error, field }) };
}

/** The answer compressed with the first coding the request accepts, when the body is worth it. */
async function compress(answer: Answer, acceptEncoding: string | null): Promise<Answer> {
  if (answer.body.length < MIN_COMPRESSED_BYTES) return answer;
  const weights = codingWeights(acceptEncoding);
  const coding = CODINGS.find((c) => {
    const q = weights.get(c.name) ?? weights.get('*');
    return q !== undefined && q > 0;
  });
  if (!coding) return answer;
  const body = await coding.compress(answer.body);
  return {
    ...answer,
    body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
    encoding: coding.name,
  };
}

/** The codings an `Accept-Encoding` header lists (`*` included), with their `q` weights (1 by default). */
function codingWeights(header: string | null): Map<string, number> {
  const weights = new Map<string, number>();
  for (const item of header?.split(',') ?? []) {
    const [name, ...params] = item.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    weights.set(name.trim(), q === undefined ? 1 : Number(q.slice(2)));
  }
  return weights;
}

function headersOf(answer: Answer, extra: Record<string, string> | undefined): Record<string, string> {
  return {
    'Content-Type': answer.type,
    Vary: 'Accept, Accept-Encoding',
    ...(answer.encoding && { 'Content-Encoding': answer.encoding }),
    ...extra,
  };
}

/** JSON only when the client lists it and not the binary type. */
function wantsJson(accept: string | null): boolean {
  return !!accept && accept.includes('application/json') && !accept.includes(SERIES_WINDOW_CONTENT_TYPE);
}

/** The GET parameters as a query object; numbers stay strings-turned-numbers for the schema to judge. */
function queryFromUrl(url: URL): Record<string, unknown> {
  const p = url.searchParams;
  const number = (name: string) => {
    const raw = p.get(name);
    return raw === null || raw === '' ? undefined : Number(raw);
  };
  const trials = p.get('trials');
  return {
    studyId: p.get('study') ?? undefined,
    key: p.get('key') ?? undefined,
    x: p.get('x') ?? 'step',
    from: number('from'),
    to: number('to'),
    columns: number('columns'),
    trialIds: trials === null ? undefined : trials.split(',').filter(Boolean),
  };
}

/** A query field as the GET parameter that carries it (`studyId` is `study`, `trialIds.3` is `trials`). */
function urlField(field: string): string {
  if (field === 'studyId') return 'study';
  if (field.startsWith('trialIds')) return 'trials';
  return field;
}

function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new BodyError(400, 'the body is not JSON');
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  if (bodySpent(req)) throw new BodyError(400, BODY_SPENT);
  const read = parsedBody(req);
  if (read !== undefined) {
    if (read.length > MAX_BODY_BYTES) throw new BodyError(413, 'request body too large');
    return read;
  }
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of req) {
    size += (part as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyError(413, 'request body too large');
    parts.push(part as Buffer);
  }
  return Buffer.concat(parts).toString('utf8');
}
