/**
 * What a tab knows of presence: its own viewer id and announcement (name, colour, the study it
 * shows), whether its source can share presence at all, and the latest `presence` event. Kept
 * beside the store's data (as `store.presence`) so the store stays about studies and trials.
 */
import type { PresenceEvent, StudyPresence } from '../protocol/index.js';

/**
 * Whether presence can be shown: `pending` until the source says; `live` once a server shares it;
 * `local` for an in-process source (this tab is the only viewer); `unavailable` with the reason.
 */
export type PresenceStatus =
  | { state: 'pending' }
  | { state: 'live' }
  | { state: 'local'; reason: string }
  | { state: 'unavailable'; reason: string };

/** What this tab says about itself. */
export interface SelfAnnouncement {
  /** The study the tab shows (none: the tab is not counted on any study). */
  studyId?: string;
  /** The viewer's name; without one the tab is an anonymous viewer. */
  name?: string;
  /** `#rrggbb`; the server picks one when unset. */
  color?: string;
}

/** The protocol's name limit: longer names are cut rather than refused. */
const MAX_NAME = 64;
const COLOR = /^#[0-9a-fA-F]{6}$/;

export class PresenceState {
  /** This tab's viewer id: random, opaque, new with every page load. */
  readonly id = randomId();
  private _status: PresenceStatus = { state: 'pending' };
  private _self: SelfAnnouncement = {};
  private studies = new Map<string, StudyPresence>();
  private readonly announceListeners = new Set<() => void>();

  /** `changed` runs after every change a subscriber of the store should hear of. */
  constructor(private readonly changed: () => void) {}

  get status(): PresenceStatus {
    return this._status;
  }
  get self(): SelfAnnouncement {
    return this._self;
  }

  /**
   * The dashboard says which study this tab shows and as whom. A name is trimmed and cut to 64
   * characters; a colour that is not `#rrggbb` is dropped. Sources hear of it (and tell the server).
   */
  announce(self: SelfAnnouncement): void {
    const name = self.name?.trim().slice(0, MAX_NAME) || undefined;
    const color = self.color && COLOR.test(self.color) ? self.color : undefined;
    const next = { studyId: self.studyId || undefined, name, color };
    const prev = this._self;
    if (prev.studyId === next.studyId && prev.name === next.name && prev.color === next.color) return;
    this._self = next;
    for (const listener of this.announceListeners) listener();
    if (this._status.state === 'local') this.changed();
  }

  /** Calls `listener` after every change of {@link self}. Returns the unsubscribe function. */
  onAnnounce(listener: () => void): () => void {
    this.announceListeners.add(listener);
    return () => this.announceListeners.delete(listener);
  }

  /** Sources say whether they can share presence. */
  setStatus(status: PresenceStatus): void {
    this._status = status;
    if (status.state !== 'live') this.studies.clear();
    this.changed();
  }

  /**
   * Applies a server's `presence` event: the whole picture, replacing the last one. Not once the
   * source said presence is unavailable (the server has no heartbeat route, so its picture of this
   * tab would go stale): an event racing that answer on the stream does not undo it.
   */
  apply(event: PresenceEvent): void {
    if (this._status.state === 'unavailable') return;
    this.studies = new Map(event.studies.map((s) => [s.studyId, s]));
    this._status = { state: 'live' };
    this.changed();
  }

  /**
   * Who looks at `studyId`: from the server when live; this tab alone when local; undefined when
   * presence is pending or unavailable (or, live, when nobody does).
   */
  of(studyId: string): StudyPresence | undefined {
    if (this._status.state === 'live') return this.studies.get(studyId);
    if (this._status.state !== 'local' || this._self.studyId !== studyId) return undefined;
    const { name, color } = this._self;
    return name
      ? { studyId, viewers: [{ id: this.id, name, color: color ?? '#1f77b4' }], anonymous: 0, more: 0 }
      : { studyId, viewers: [], anonymous: 1, more: 0 };
  }
}

/** 16 random characters of A-Z a-z 0-9 _ - (what the protocol's viewer ids allow). */
function randomId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => alphabet[b & 63]).join('');
}
