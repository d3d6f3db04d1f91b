/**
 * The dashboard's side of a team's edits: whether this page may write them (and why not), who
 * writes them, and writing them to the source: the in-process producer if it applies events (the
 * sync engine), else the server's `post-url`. The client module that validates and sends them is
 * loaded on the first edit, so a read-only page never loads it.
 */
import type { ReactiveControllerHost } from 'lit';
import type { TeamEdit, TeamWriteTarget } from '../../client/index.js';
import type { EditAccess } from '../internal/team-controls.js';

/** Who is looking at the dashboard: the name comments are signed with, and a colour. */
export interface Viewer {
  name?: string;
  color?: string;
}

/** The author of comments written without a viewer name. */
export const ANONYMOUS = 'anonymous';

/** The author's name for `viewer`: its name, trimmed, or "anonymous". */
export function authorOf(viewer: Viewer | undefined): string {
  // Cut as presence cuts names (the protocol takes up to 100).
  return viewer?.name?.trim().slice(0, 64) || ANONYMOUS;
}

/** What the host says about where edits go. */
export interface EditTarget extends TeamWriteTarget {
  /** The dashboard reads an SSE stream (`src`): a server could take edits if it gave a `post-url`. */
  readonly src?: string;
  /** The dashboard polls MLflow from the page. */
  readonly mlflow?: string;
}

/** Whether `target` can take edits, and why not. */
export function editAccess(target: EditTarget): EditAccess {
  const source = target.source as { applyEvents?: unknown } | undefined;
  if (typeof source?.applyEvents === 'function' || target.postUrl) return { writable: true };
  const reason = source
    ? 'Read-only: this source cannot store stars, tags or comments.'
    : target.src
      ? 'Read-only: this server takes no edits from the page (it has a write token, or no post-url).'
      : target.mlflow
        ? 'Read-only: a page polling MLflow itself cannot write to it; use trialkit serve.'
        : 'Read-only: no source that can store edits.';
  return { writable: false, reason };
}

/** The state of the last write, for a status line. */
export interface WriteState {
  readonly state: 'saving' | 'saved' | 'failed';
  readonly message: string;
  /** Why it failed, in the writer's words. */
  readonly reason?: string;
}

export class TeamEdits {
  /** The last write's state. */
  last?: WriteState;
  /** The trial whose tag input is open in the compare view. */
  addingTagTo?: string;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly target: () => EditTarget,
  ) {}

  get access(): EditAccess {
    return editAccess(this.target());
  }

  /** Writes the edit; resolves true once stored, false (with `last` saying why) if refused. */
  async write(edit: TeamEdit): Promise<boolean> {
    const target = this.target();
    this.set({ state: 'saving', message: 'Saving…' });
    try {
      // Loaded at the first edit: when that fails, the server is what could not be reached.
      const writer = await import('../../client/team-writer.js').catch(() => {
        throw new Error('could not reach the server');
      });
      await writer.writeTeamEdits(target, [edit]);
      this.set({ state: 'saved', message: 'Saved.' });
      return true;
    } catch (err) {
      const reason = (err as Error).message;
      this.set({ state: 'failed', message: `Not saved: ${reason}`, reason });
      return false;
    }
  }

  readonly setAddingTag = (trialId: string | undefined): void => {
    this.addingTagTo = trialId;
    this.host.requestUpdate();
  };

  private set(last: WriteState): void {
    this.last = last;
    this.host.requestUpdate();
  }
}
