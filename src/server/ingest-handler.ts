/**
 * `POST /events`: a producer's events (records, a team's edits), checked against the protocol and
 * handed to an `ingest` callback, all or none. The dashboard server takes posts this way, and
 * {@link createIngestHandler} gives a host's own server the same route, for Node's http, Express,
 * Fastify and Hono.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { redactSecrets } from '../mlflow/index.js';
import { parseEvent, type TeamEvent, type TrialEvent } from '../protocol/index.js';
import { bearerCheck } from './access.js';
import { BODY_SPENT, bodySpent, parsedBody } from './parsed-body.js';

/**
 * The events a producer (or a dashboard tab) may post: records and a team's edits. Snapshots,
 * removals and sync states are the server's own.
 */
export type PostedEvent = Extract<
  TrialEvent,
  { type: 'study.upsert' | 'trial.upsert' | 'metrics.append' | TeamEvent['type'] }
>;

const POSTABLE = new Set<string>([
  'study.upsert',
  'trial.upsert',
  'metrics.append',
  'trial.patch',
  'comment.upsert',
  'comment.remove',
]);

/**
 * Thrown by an `ingest` callback for input it refuses (answered 400 with `code: 'invalid_event'`);
 * any other error is answered 422 with `code: 'rejected'`.
 */
export class IngestInputError extends Error {
  override name = 'IngestInputError';
  constructor(
    message: string,
    /** The index of the offending event in the posted batch, if one is to blame. */
    readonly index?: number,
  ) {
    super(message);
  }
}

/** The JSON body of every error `POST /events` answers: what was wrong, in a stable code and in words. */
export interface IngestErrorBody {
  error: {
    code:
      | 'forbidden_host'
      | 'forbidden_origin'
      | 'unauthorized'
      | 'unsupported_media_type'
      | 'method_not_allowed'
      | 'body_too_large'
      | 'body_timeout'
      | 'body_already_read'
      | 'invalid_json'
      | 'invalid_event'
      | 'rejected';
    message: string;
    /** The offending event's index in the batch, when one is to blame. */
    index?: number;
  };
}

/** Stores or publishes posted events, all or none (e.g. `engineIngest(engine)`). */
export type Ingest = (events: PostedEvent[]) => Promise<void>;

/** Limits on a posted body. */
export interface BodyLimits {
  /** Larger bodies are refused with 413 (bytes; default 8 MiB). */
  maxBodyBytes?: number;
  /** A body not received in full within this time is refused with 408 (ms; default 10,000; Node only). */
  bodyTimeoutMs?: number;
}

/** One request is a batch of events, not a bulk upload; a slow body must not hold memory for long. */
export const BODY_DEFAULTS: Required<BodyLimits> = { maxBodyBytes: 8 * 1024 * 1024, bodyTimeoutMs: 10_000 };

/** The limits that are set, over the defaults (so that `undefined` does not override one). */
export function bodyLimits({ maxBodyBytes, bodyTimeoutMs }: BodyLimits): Required<BodyLimits> {
  return {
    maxBodyBytes: maxBodyBytes ?? BODY_DEFAULTS.maxBodyBytes,
    bodyTimeoutMs: bodyTimeoutMs ?? BODY_DEFAULTS.bodyTimeoutMs,
  };
}

/** What a post is answered: a status, a JSON body and extra headers. */
export interface IngestAnswer {
  status: number;
  body: IngestErrorBody | { accepted: number };
  headers?: Record<string, string>;
}

/** An error answer; its message has any credentials in it redacted. */
export function ingestError(
  status: number,
  code: IngestErrorBody['error']['code'],
  message: string,
  index?: number,
): IngestAnswer {
  return { status, body: { error: { code, message: redactSecrets(message), index } } };
}

/** A post without the write token. */
export const UNAUTHORIZED_POST: IngestAnswer = {
  ...ingestError(401, 'unauthorized', 'posting events needs Authorization: Bearer <token>'),
  headers: { 'www-authenticate': 'Bearer' },
};

/** A post's content type: JSON only, so that a cross-site form or simple `fetch` cannot post. */
function unsupportedType(contentType: string | undefined): IngestAnswer | undefined {
  if (/^application\/json\s*(?:;|$)/i.test(contentType ?? '')) return undefined;
  return ingestError(415, 'unsupported_media_type', 'Content-Type must be application/json');
}

/** Checks a posted body (an event or an array of them) and hands its events to `ingest`. */
async function ingestText(text: string, ingest: Ingest): Promise<IngestAnswer> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return ingestError(400, 'invalid_json', `body is not JSON: ${(err as Error).message}`);
  }
  const events: PostedEvent[] = [];
  for (const [index, input] of (Array.isArray(json) ? json : [json]).entries()) {
    const parsed = parseEvent(input);
    if (!parsed.ok)
      return ingestError(400, 'invalid_event', `event ${index}: ${parsed.error.message}`, index);
    if (!POSTABLE.has(parsed.event.type)) {
      const why = `event ${index}: ${parsed.event.type} events cannot be posted; send ${[...POSTABLE].join(', ')}`;
      return ingestError(400, 'invalid_event', why, index);
    }
    events.push(parsed.event as PostedEvent);
  }
  try {
    await ingest(events);
  } catch (err) {
    if (err instanceof IngestInputError) return ingestError(400, 'invalid_event', err.message, err.index);
    return ingestError(422, 'rejected', (err as Error).message);
  }
  return { status: 202, body: { accepted: events.length } };
}

/** The body as text, or the answer refusing it: over `maxBodyBytes`, or not in full within `bodyTimeoutMs`. */
async function readIngestBody(
  req: IncomingMessage,
  limits: Required<BodyLimits>,
): Promise<{ text: string } | { refused: IngestAnswer }> {
  const parsed = parsedBody(req);
  if (parsed !== undefined) return { text: parsed };
  if (bodySpent(req)) return { refused: ingestError(400, 'body_already_read', BODY_SPENT) };
  const body = await readBody(req, limits);
  if ('text' in body) return body;
  const refused =
    body.failure === 'too large'
      ? ingestError(413, 'body_too_large', `body over ${limits.maxBodyBytes} bytes`)
      : ingestError(408, 'body_timeout', `body not received within ${limits.bodyTimeoutMs} ms`);
  // The rest of the body is not read: the connection ends with the answer.
  return { refused: { ...refused, headers: { connection: 'close' } } };
}

/** Writes an answer (JSON, not cached). */
export function sendIngestAnswer(res: ServerResponse, answer: IngestAnswer): void {
  if (res.headersSent) return;
  res.writeHead(answer.status, {
    'content-type': 'application/json',
    'cache-control': 'no-cache',
    ...answer.headers,
  });
  res.end(JSON.stringify(answer.body));
}

type BodyResult = { text: string } | { failure: 'too large' | 'timed out' };

function readBody(req: IncomingMessage, limits: Required<BodyLimits>): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: BodyResult) => {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onError);
      // Stop reading what is left; the answer closes the connection.
      if ('failure' in result) req.pause();
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBodyBytes) finish({ failure: 'too large' });
      else chunks.push(chunk);
    };
    const onEnd = () => finish({ text: Buffer.concat(chunks).toString('utf8') });
    const onError = (err: Error) => {
      clearTimeout(timer);
      reject(err);
    };
    const timer = setTimeout(() => finish({ failure: 'timed out' }), limits.bodyTimeoutMs);
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

export interface IngestHandlerOptions extends BodyLimits {
  /** Receives the checked events of each post; it should apply them all or none. */
  ingest: Ingest;
  /**
   * Required as `Authorization: Bearer <token>` when set. Without it, anyone who can reach the
   * route may post: keep such a route on loopback, or behind the host's own authentication.
   */
  token?: string;
}

/** A Node handler for `POST /events`, with `handleRequest` for fetch-based servers (Hono). */
export interface IngestHandler {
  (req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** The same for a fetch `Request` (`app.post('/events', (c) => ingest.handleRequest(c.req.raw))`). */
  handleRequest(request: Request): Promise<Response>;
}

/**
 * A handler for `POST /events` in a host's own server, answering as the dashboard server does:
 * 202 `{ accepted }`, or an {@link IngestErrorBody} — 400 naming the event and field, 401 without
 * the token, 405, 413, 415, 422 when `ingest` throws. Posts must be `application/json`, which a
 * cross-site page cannot send without the CORS preflight the host answers. Behind a body parser,
 * it takes the parsed body from `req.body` (Fastify: `Object.assign(request.raw, { body: request.body })`).
 */
export function createIngestHandler(options: IngestHandlerOptions): IngestHandler {
  const limits = bodyLimits(options);
  const authorized = bearerCheck(options.token);
  /** Why a request is refused before its body is read, if it is. */
  const refusal = (
    method: string | undefined,
    authorization: string | undefined,
    type: string | undefined,
  ) => {
    if (method !== 'POST')
      return { ...ingestError(405, 'method_not_allowed', 'POST events here'), headers: { allow: 'POST' } };
    return authorized(authorization) ? unsupportedType(type) : UNAUTHORIZED_POST;
  };

  const node = async (req: IncomingMessage, res: ServerResponse) => {
    const refused = refusal(req.method, req.headers.authorization, req.headers['content-type']);
    if (refused) return sendIngestAnswer(res, refused);
    const body = await readIngestBody(req, limits);
    sendIngestAnswer(res, 'refused' in body ? body.refused : await ingestText(body.text, options.ingest));
  };

  const answerOf = async (request: Request): Promise<IngestAnswer> => {
    const h = request.headers;
    const refused = refusal(
      request.method,
      h.get('authorization') ?? undefined,
      h.get('content-type') ?? undefined,
    );
    if (refused) return refused;
    const text = await textWithin(request, limits.maxBodyBytes);
    if (text === undefined)
      return ingestError(413, 'body_too_large', `body over ${limits.maxBodyBytes} bytes`);
    return ingestText(text, options.ingest);
  };

  const handleRequest = async (request: Request): Promise<Response> => {
    const answer = await answerOf(request);
    return Response.json(answer.body, {
      status: answer.status,
      headers: { 'cache-control': 'no-cache', ...answer.headers },
    });
  };

  return Object.defineProperty(node as IngestHandler, 'handleRequest', { value: handleRequest });
}

/** A fetch request's body as text, or undefined once it is over `max` bytes (the rest is not read). */
async function textWithin(request: Request, max: number): Promise<string | undefined> {
  if (!request.body) return '';
  if (Number(request.headers.get('content-length')) > max) return undefined;
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    size += read.value.byteLength;
    if (size > max) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(read.value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
