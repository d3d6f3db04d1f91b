/** Reading untrusted events (validate, name what is wrong) and writing them as JSON. */
import { EventIssue, readEvent } from './event-reader.js';
import type { TrialEvent } from './events.js';
import { PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from './limits.js';

/** An event that does not match the protocol. `path` names the offending field. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    message: string,
    readonly code: 'malformed_event' | 'unsupported_version',
    readonly path?: string,
  ) {
    super(message);
  }
}

export type ParseResult = { ok: true; event: TrialEvent } | { ok: false; error: ProtocolError };

/** Validates one event (an object, or its JSON text). Never throws. */
export function parseEvent(input: unknown): ParseResult {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (err) {
      return {
        ok: false,
        error: new ProtocolError(`event is not JSON: ${(err as Error).message}`, 'malformed_event'),
      };
    }
  }
  const version = (value as { v?: unknown } | null)?.v;
  // A missing `v` is a malformed event (the reader names it below); another `v` is a newer or older protocol.
  if (
    typeof value === 'object' &&
    value !== null &&
    version !== undefined &&
    !SUPPORTED_PROTOCOL_VERSIONS.includes(version as number)
  ) {
    return {
      ok: false,
      error: new ProtocolError(
        `unsupported protocol version ${JSON.stringify(version)} (this reader speaks v1 to v${PROTOCOL_VERSION})`,
        'unsupported_version',
        'v',
      ),
    };
  }
  try {
    return { ok: true, event: readEvent(value) as TrialEvent };
  } catch (err) {
    if (!(err instanceof EventIssue)) throw err;
    return { ok: false, error: malformed(value, err) };
  }
}

/** The protocol's error for an event the reader found a problem in, naming the event and the field. */
function malformed(value: unknown, issue: EventIssue): ProtocolError {
  const path = issue.path.join('.') || undefined;
  const type = (value as { type?: unknown } | null)?.type;
  const what = typeof type === 'string' ? `${type} event` : 'event';
  return new ProtocolError(
    `malformed ${what}${path ? ` at ${path}` : ''}: ${issue.message}`,
    'malformed_event',
    path,
  );
}

/** JSON text of an event; NaN and ±Infinity become "NaN", "Infinity", "-Infinity". */
export function encodeEvent(event: TrialEvent): string {
  return JSON.stringify(event, nonFiniteAsString);
}

/** A `JSON.stringify` replacer writing NaN and ±Infinity as the protocol's strings, typed arrays as arrays. */
export function nonFiniteAsString(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number>);
  }
  return value;
}
