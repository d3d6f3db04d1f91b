/**
 * Who is watching: the tabs with an open event stream that announced themselves (`?viewer=`), the
 * study each one shows, and when each last said so. A tab is gone when its stream closes (a
 * closed tab) or when it has not sent a heartbeat within `timeoutMs` (a lost connection, which
 * TCP alone would notice only minutes later). Changes are published as one whole `presence`
 * state, at most once per `coalesceMs`, so a crowd joining costs a few broadcasts.
 */
import type { IncomingMessage } from 'node:http';
import {
  MAX_LISTED_VIEWERS,
  type StudyPresence,
  type Viewer,
  type ViewerAnnouncement,
  viewerAnnouncementSchema,
  viewerColorSchema,
  viewerNameSchema,
} from '../protocol/index.js';

/** A name and colour the server's own sign-in gives a request's viewer, overriding the tab's. */
export interface ViewerIdentity {
  name?: string;
  color?: string;
}

export interface PresenceOptions {
  /** A viewer not heard from for this long is dropped (ms, default 15,000; tabs beat every 5,000). */
  timeoutMs?: number;
  /** Changes within this window go out as one `presence` event (ms, default 50). */
  coalesceMs?: number;
  /**
   * The identity of the request's viewer from the host app's sign-in (an auth proxy's header, a
   * session): its `name` and `color` replace what the tab announced. Undefined keeps the tab's.
   * Called for Node requests (the stream's Node handler and `createPresenceHandler`); streams
   * served by `handleRequest` keep the tab's name until its first heartbeat.
   */
  identify?: (req: IncomingMessage) => ViewerIdentity | undefined;
}

/** One announced stream. */
interface Seat {
  id: string;
  study?: string;
  name?: string;
  color?: string;
  seenAt: number;
  /** False once the heartbeat timed out, until the tab is heard from again. */
  present: boolean;
}

/** Colours for viewers who name none: legible under both dark and light text choices. */
const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22'];

/** Tracks viewers and publishes the studies' presence whenever it changes. */
export class PresenceRoom {
  private readonly seats = new Set<Seat>();
  private readonly timeoutMs: number;
  private readonly coalesceMs: number;
  private readonly listeners = new Set<(studies: StudyPresence[]) => void>();
  private sweep?: ReturnType<typeof setInterval>;
  private publishTimer?: ReturnType<typeof setTimeout>;
  private current: StudyPresence[] = [];
  readonly identify?: (req: IncomingMessage) => ViewerIdentity | undefined;

  constructor(options: PresenceOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.coalesceMs = options.coalesceMs ?? 50;
    this.identify = options.identify;
  }

  /** The studies' presence as last published (studies nobody looks at left out). */
  get studies(): StudyPresence[] {
    return this.current;
  }

  /** How many announced streams are open (present or timed out). */
  get seatCount(): number {
    return this.seats.size;
  }

  /** Calls `listener` with every published state. Returns the unsubscribe function. */
  subscribe(listener: (studies: StudyPresence[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A stream opened for `announcement`'s tab; the returned function is called when it closes. */
  join(announcement: ViewerAnnouncement, identity?: ViewerIdentity): () => void {
    const seat: Seat = { id: announcement.viewer, seenAt: Date.now(), present: true };
    assign(seat, announcement, identity);
    this.seats.add(seat);
    this.sweep ??= setInterval(() => this.expire(), Math.max(10, this.timeoutMs / 5));
    this.sweep.unref?.();
    this.changed();
    return () => {
      if (!this.seats.delete(seat)) return;
      if (this.seats.size === 0) {
        clearInterval(this.sweep);
        this.sweep = undefined;
      }
      this.changed();
    };
  }

  /**
   * A tab says it is still there (and which study it shows now). False when no open stream has
   * its id: the tab's stream is not (or no longer) open.
   */
  heartbeat(announcement: ViewerAnnouncement, identity?: ViewerIdentity): boolean {
    let found = false;
    for (const seat of this.seats) {
      if (seat.id !== announcement.viewer) continue;
      found = true;
      seat.seenAt = Date.now();
      seat.present = true;
      assign(seat, announcement, identity);
    }
    if (found) this.changed();
    return found;
  }

  /** Stops the timers; listeners hear nothing more. */
  close(): void {
    clearInterval(this.sweep);
    clearTimeout(this.publishTimer);
    this.sweep = undefined;
    this.listeners.clear();
    this.seats.clear();
  }

  private expire(): void {
    const before = Date.now() - this.timeoutMs;
    let dropped = false;
    for (const seat of this.seats) {
      if (seat.present && seat.seenAt < before) {
        seat.present = false;
        dropped = true;
      }
    }
    if (dropped) this.changed();
  }

  private changed(): void {
    if (this.publishTimer !== undefined) return;
    this.publishTimer = setTimeout(() => {
      this.publishTimer = undefined;
      const next = this.tally();
      if (JSON.stringify(next) === JSON.stringify(this.current)) return;
      this.current = next;
      for (const listener of this.listeners) listener(next);
    }, this.coalesceMs);
    this.publishTimer.unref?.();
  }

  /** Per study, the named viewers (one per tab id, by name) and the anonymous count. */
  private tally(): StudyPresence[] {
    const byStudy = new Map<string, { viewers: Map<string, Viewer>; anonymous: Set<string> }>();
    for (const seat of this.seats) {
      if (!seat.present || seat.study === undefined) continue;
      let entry = byStudy.get(seat.study);
      if (!entry) {
        entry = { viewers: new Map(), anonymous: new Set() };
        byStudy.set(seat.study, entry);
      }
      if (seat.name === undefined) entry.anonymous.add(seat.id);
      else
        entry.viewers.set(seat.id, { id: seat.id, name: seat.name, color: seat.color ?? colorOf(seat.id) });
    }
    return [...byStudy]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([studyId, { viewers, anonymous }]) => {
        const named = [...viewers.values()].sort(
          (a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1),
        );
        return {
          studyId,
          viewers: named.slice(0, MAX_LISTED_VIEWERS),
          anonymous: anonymous.size,
          more: Math.max(0, named.length - MAX_LISTED_VIEWERS),
        };
      });
  }
}

/** The tab's announcement, with the server's identity (when it has one) taking precedence. */
function assign(seat: Seat, announcement: ViewerAnnouncement, identity: ViewerIdentity | undefined): void {
  seat.study = announcement.study ?? undefined;
  const checked = checkedIdentity(identity);
  seat.name = checked?.name ?? announcement.name;
  seat.color = checked?.color ?? announcement.color;
}

/** A stable colour for a viewer who named none. */
function colorOf(id: string): string {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) | 0;
  return PALETTE[Math.abs(hash) % PALETTE.length]!;
}

/**
 * An `identify` that reads the viewer's name from a request header set by an authenticating proxy
 * in front of the server (e.g. `X-Forwarded-User`). Use it only behind such a proxy, one that
 * sets the header itself and drops it from what clients send: anyone else could name themselves.
 */
export function identityFromHeader(header: string): (req: IncomingMessage) => ViewerIdentity | undefined {
  const name = header.toLowerCase();
  return (req) => {
    const value = req.headers[name];
    const text = Array.isArray(value) ? value[0] : value;
    return text?.trim() ? { name: text.trim() } : undefined;
  };
}

/**
 * The announcement in a stream's query (`viewer`, `study`, `name`, `color`), or undefined when the
 * stream did not announce a viewer or announced one malformed (it is then served, uncounted).
 */
export function announcementFromQuery(url: URL): ViewerAnnouncement | undefined {
  const viewer = url.searchParams.get('viewer');
  if (viewer === null) return undefined;
  const fields: Record<string, string> = { viewer };
  for (const key of ['study', 'name', 'color'] as const) {
    const value = url.searchParams.get(key);
    if (value !== null && value !== '') fields[key] = value;
  }
  const parsed = viewerAnnouncementSchema.safeParse(fields);
  return parsed.success ? parsed.data : undefined;
}

/** An identity from the host app's sign-in, each field kept only if valid (a bad one is ignored). */
export function checkedIdentity(identity: ViewerIdentity | undefined): ViewerIdentity | undefined {
  if (!identity) return undefined;
  const name = viewerNameSchema.safeParse(identity.name);
  const color = viewerColorSchema.safeParse(identity.color);
  return { name: name.success ? name.data : undefined, color: color.success ? color.data : undefined };
}
