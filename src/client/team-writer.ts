/**
 * Where a dashboard tab writes a team's edits (stars, tags, comments, annotations): to an
 * in-process producer that applies events (the sync engine), or to a server's `POST /events`.
 * Edits are validated here first, so a bad one fails with the protocol's error naming the field.
 */
import { parseEvent } from '../protocol/codec.js';
import type { TeamEvent, TrialEvent } from '../protocol/index.js';
import { PROTOCOL_VERSION } from '../protocol/limits.js';

/** A team edit without its envelope: the writer adds `v` and `seq`. */
export type TeamEdit = TeamEvent extends infer E
  ? E extends TeamEvent
    ? Omit<E, 'v' | 'seq'>
    : never
  : never;

/** A producer that applies posted events in-process, as the sync engine's `applyEvents` does. */
export interface EventApplier {
  applyEvents(events: readonly TrialEvent[]): Promise<unknown>;
}

/** True when `source` applies events itself. */
export function canApplyEvents(source: unknown): source is EventApplier {
  return typeof (source as Partial<EventApplier> | undefined)?.applyEvents === 'function';
}

/** A write the server refused or could not take: its message is the server's, for the user to read. */
export class TeamWriteError extends Error {
  override name = 'TeamWriteError';
  constructor(
    message: string,
    /** The HTTP status, when a server answered. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Where to write: `source` if it applies events, else `postUrl`. */
export interface TeamWriteTarget {
  source?: unknown;
  postUrl?: string;
}

/**
 * Validates and writes the edits, all or none where the target can promise it (the engine can).
 * @throws ProtocolError for an edit the protocol refuses; TeamWriteError when the target refuses it.
 */
export async function writeTeamEdits(target: TeamWriteTarget, edits: readonly TeamEdit[]): Promise<void> {
  const events = edits.map((edit) => {
    const parsed = parseEvent({ ...edit, v: PROTOCOL_VERSION, seq: 0 });
    if (!parsed.ok) throw parsed.error;
    return parsed.event;
  });
  if (canApplyEvents(target.source)) {
    await target.source.applyEvents(events);
    return;
  }
  if (!target.postUrl) throw new TeamWriteError('this source cannot store edits');
  const response = await fetch(target.postUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    credentials: 'same-origin',
    body: JSON.stringify(events),
  }).catch((err: unknown) => {
    throw new TeamWriteError(`could not reach the server: ${(err as Error).message}`);
  });
  if (response.ok) return;
  const body = (await response.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
  throw new TeamWriteError(body?.error?.message ?? `the server answered ${response.status}`, response.status);
}
