/**
 * `POST /presence`: a tab's heartbeat, saying it is still there and which study it shows. The tab's
 * event stream counts it as a viewer; this keeps it counted (and moves it between studies) without
 * reopening the stream.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { viewerAnnouncementSchema } from '../protocol/index.js';
import { BODY_SPENT, bodySpent, parsedBody } from './parsed-body.js';
import type { PresenceRoom, ViewerIdentity } from './presence.js';

/** An announcement is a few short fields. */
const MAX_BODY_BYTES = 4096;

/** A Node handler for `POST /presence`, with `handleRequest` for fetch-based servers (Hono). */
export interface PresenceHandler {
  (req: IncomingMessage, res: ServerResponse): void;
  /** The same for a fetch `Request` (`app.post('/presence', (c) => presence.handleRequest(c.req.raw))`). */
  handleRequest(request: Request): Promise<Response>;
}

/** What a request gets: 204, or an error's status, code and message (and headers). */
interface Answer {
  status: number;
  error?: { code: string; message: string };
  headers?: Record<string, string>;
}

/**
 * A handler for `POST /presence` (`Content-Type: application/json`, a `ViewerAnnouncement`).
 * Answers 204 when the tab's stream is open, 409 `unknown_viewer` when it is not (the tab
 * reconnects its stream), 400 for a malformed announcement, 405 and 415 for other methods and types.
 */
export function createPresenceHandler(room: PresenceRoom): PresenceHandler {
  const node = (req: IncomingMessage, res: ServerResponse) => {
    const refused = refusal(req.method, req.headers['content-type']);
    if (refused) return send(res, refused);
    if (bodySpent(req)) return send(res, error(400, 'body_already_read', BODY_SPENT));
    const read = parsedBody(req);
    if (read !== undefined) return send(res, announce(room, read, room.identify?.(req)));
    let body = '';
    let tooLarge = false;
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > MAX_BODY_BYTES && !tooLarge) {
        tooLarge = true;
        res.setHeader('connection', 'close');
        send(res, tooLargeAnswer());
        req.pause();
      }
    });
    req.on('end', () => {
      if (!tooLarge) send(res, announce(room, body, room.identify?.(req)));
    });
  };

  // A fetch request carries no Node request to identify its viewer by, as the event stream's.
  const handleRequest = async (request: Request): Promise<Response> => {
    const answer =
      refusal(request.method, request.headers.get('content-type') ?? undefined) ??
      announce(room, await request.text(), undefined);
    return new Response(answer.error ? JSON.stringify({ error: answer.error }) : null, {
      status: answer.status,
      headers: headersOf(answer),
    });
  };

  return Object.defineProperty(node as PresenceHandler, 'handleRequest', { value: handleRequest });
}

/** Why a request is refused before its body is read, if it is. */
function refusal(method: string | undefined, contentType: string | undefined): Answer | undefined {
  if (method !== 'POST')
    return { ...error(405, 'method_not_allowed', 'POST an announcement'), headers: { allow: 'POST' } };
  if (!/^application\/json\s*(?:;|$)/i.test(contentType ?? ''))
    return error(415, 'unsupported_media_type', 'Content-Type must be application/json');
  return undefined;
}

/** Keeps the announced viewer counted, or says what is wrong with the announcement. */
function announce(room: PresenceRoom, body: string, identity: ViewerIdentity | undefined): Answer {
  if (body.length > MAX_BODY_BYTES) return tooLargeAnswer();
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    return error(400, 'invalid_json', `body is not JSON: ${(err as Error).message}`);
  }
  const parsed = viewerAnnouncementSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return error(400, 'invalid_announcement', `${issue?.path.join('.') || 'body'}: ${issue?.message}`);
  }
  if (!room.heartbeat(parsed.data, identity)) {
    return error(409, 'unknown_viewer', 'no open event stream has this viewer id');
  }
  return { status: 204 };
}

const error = (status: number, code: string, message: string): Answer => ({
  status,
  error: { code, message },
});
const tooLargeAnswer = () => error(413, 'body_too_large', `body over ${MAX_BODY_BYTES} bytes`);

function headersOf(answer: Answer): Record<string, string> {
  return {
    'cache-control': 'no-store',
    ...(answer.error ? { 'content-type': 'application/json' } : {}),
    ...answer.headers,
  };
}

function send(res: ServerResponse, answer: Answer): void {
  if (res.headersSent) return;
  res
    .writeHead(answer.status, headersOf(answer))
    .end(answer.error ? JSON.stringify({ error: answer.error }) : undefined);
}
