/**
 * A request body that a framework's parser read before a trialkit handler ran. Express's
 * `express.json()` leaves it on `req.body`; Fastify keeps it on its own request, which a host hands
 * over as `Object.assign(request.raw, { body: request.body })`. The stream is then spent, and
 * waiting for it would hang the request.
 */
import type { IncomingMessage } from 'node:http';

/** Why a request whose body was read and dropped before the handler is refused. */
export const BODY_SPENT =
  'the request body was read before this handler and not left on req.body: route it before body parsers, or pass the parsed body as req.body';

const bodyOf = (req: IncomingMessage) => (req as IncomingMessage & { body?: unknown }).body;

/** The body as text if a parser read it first; `undefined` if the stream is still to be read. */
export function parsedBody(req: IncomingMessage): string | undefined {
  const body = bodyOf(req);
  if (body === undefined || typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  return JSON.stringify(body);
}

/** Whether something read the body and left nothing on `req.body` (see {@link BODY_SPENT}). */
export function bodySpent(req: IncomingMessage): boolean {
  return bodyOf(req) === undefined && req.readableEnded;
}
