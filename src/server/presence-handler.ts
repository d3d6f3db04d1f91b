/**
 * `POST /presence`: a tab's heartbeat, saying it is still there and which study it shows. The tab's
 * event stream counts it as a viewer; this keeps it counted (and moves it between studies) without
 * reopening the stream.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { viewerAnnouncementSchema } from '../protocol/index.js';
import { BodyAlreadyReadError, parsedBody } from './parsed-body.js';
import type { PresenceRoom } from './presence.js';

/** An announcement is a few short fields. */
const MAX_BODY_BYTES = 4096;

/**
 * A Node handler for `POST /presence` (`Content-Type: application/json`, a `ViewerAnnouncement`).
 * Answers 204 when the tab's stream is open, 409 `unknown_viewer` when it is not (the tab
 * reconnects its stream), 400 for a malformed announcement, 405 and 415 for other methods and types.
 */
export function createPresenceHandler(
  room: PresenceRoom,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (req.method !== 'POST')
      return answer(res, 405, 'method_not_allowed', 'POST an announcement', { allow: 'POST' });
    if (!/^application\/json\s*(?:;|$)/i.test(req.headers['content-type'] ?? '')) {
      return answer(res, 415, 'unsupported_media_type', 'Content-Type must be application/json');
    }
    let read: string | undefined;
    try {
      read = parsedBody(req);
    } catch (err) {
      if (err instanceof BodyAlreadyReadError) return answer(res, 400, 'body_already_read', err.message);
      throw err;
    }
    if (read !== undefined) return announce(read);
    let body = '';
    let tooLarge = false;
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > MAX_BODY_BYTES && !tooLarge) {
        tooLarge = true;
        res.setHeader('connection', 'close');
        answer(res, 413, 'body_too_large', `body over ${MAX_BODY_BYTES} bytes`);
        req.pause();
      }
    });
    req.on('end', () => {
      if (!tooLarge) announce(body);
    });

    function announce(body: string) {
      if (body.length > MAX_BODY_BYTES)
        return answer(res, 413, 'body_too_large', `body over ${MAX_BODY_BYTES} bytes`);
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch (err) {
        return answer(res, 400, 'invalid_json', `body is not JSON: ${(err as Error).message}`);
      }
      const parsed = viewerAnnouncementSchema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return answer(
          res,
          400,
          'invalid_announcement',
          `${issue?.path.join('.') || 'body'}: ${issue?.message}`,
        );
      }
      if (!room.heartbeat(parsed.data, room.identify?.(req))) {
        return answer(res, 409, 'unknown_viewer', 'no open event stream has this viewer id');
      }
      res.writeHead(204, { 'cache-control': 'no-store' }).end();
    }
  };
}

function answer(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  res
    .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers })
    .end(JSON.stringify({ error: { code, message } }));
}
