/**
 * A request body that a framework's parser read before a trialkit handler ran. Express's
 * `express.json()` leaves it on `req.body`; Fastify keeps it on its own request, which a host hands
 * over as `Object.assign(request.raw, { body: request.body })`. The stream is then spent, and
 * waiting for it would hang the request.
 */
import type { IncomingMessage } from 'node:http';

/** The body as text if a parser read it first; `undefined` if the stream is still to be read. */
export function parsedBody(req: IncomingMessage): string | undefined {
  const body = (req as IncomingMessage & { body?: unknown }).body;
  if (body === undefined) {
    if (req.readableEnded) throw new BodyAlreadyReadError();
    return undefined;
  }
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  return JSON.stringify(body);
}

/** The stream was read by something that did not leave the body on `req.body`. */
export class BodyAlreadyReadError extends Error {
  override name = 'BodyAlreadyReadError';
  constructor() {
    super(
      'the request body was read before this handler and not left on req.body: route it before body parsers, or pass the parsed body as req.body',
    );
  }
}
