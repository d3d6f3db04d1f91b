/**
 * How a team's edits (`trial.patch`, `comment.upsert`, `comment.remove`) change a trial: one pure
 * function that the sync engine (which stores the result) and the client store (which applies
 * events a producer streams directly) share, so both read an edit the same way.
 */
import type { Comment, TeamEvent, Trial } from './events.js';
import { COMMENT_LIMITS } from './limits.js';

/** An edit that cannot be applied to the trial as it is: `path` names the field at fault. */
export class TeamEditError extends Error {
  override readonly name = 'TeamEditError';
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

/**
 * The trial after the edit; the input is not changed. Comments are edited and deleted by their
 * author only (authors are names, not identities: this keeps honest people from slips, no more).
 * @throws TeamEditError for an edit or a deletion by someone else, a missing comment, or one comment too many.
 */
export function applyTeamEdit(trial: Trial, edit: TeamEvent): Trial {
  switch (edit.type) {
    case 'trial.patch': {
      const next: Trial = { ...trial, tags: { ...trial.tags } };
      if (edit.starred === true) next.starred = true;
      else if (edit.starred === false) delete next.starred;
      for (const [key, value] of Object.entries(edit.tags ?? {})) {
        if (value === null) delete next.tags[key];
        else next.tags[key] = value;
      }
      if (edit.notes === null) delete next.notes;
      else if (edit.notes !== undefined) next.notes = edit.notes;
      return next;
    }
    case 'comment.upsert':
      return { ...trial, comments: upsertComment(trial.comments ?? [], edit.comment) };
    case 'comment.remove': {
      const comments = trial.comments ?? [];
      const held = comments.find((c) => c.id === edit.commentId);
      if (!held) throw new TeamEditError(`trial has no comment ${edit.commentId}`, 'commentId');
      if (held.author !== edit.author)
        throw new TeamEditError(`comment ${edit.commentId} is ${held.author}'s to delete`, 'author');
      const next: Trial = { ...trial, comments: comments.filter((c) => c.id !== edit.commentId) };
      if (!next.comments?.length) delete next.comments;
      return next;
    }
  }
}

function upsertComment(comments: readonly Comment[], comment: Comment): Comment[] {
  const at = comments.findIndex((c) => c.id === comment.id);
  if (at < 0) {
    if (comments.length >= COMMENT_LIMITS.perTrial)
      throw new TeamEditError(`a trial holds at most ${COMMENT_LIMITS.perTrial} comments`, 'comment');
    return [...comments, comment];
  }
  const held = comments[at];
  if (held.author !== comment.author)
    throw new TeamEditError(`comment ${comment.id} is ${held.author}'s to edit`, 'comment.author');
  // The first writing keeps its place and time; an edit changes text (and its mark) only.
  const edited: Comment = { ...comment, createdAt: held.createdAt };
  return comments.map((c, i) => (i === at ? edited : c));
}

/** True for the events a team writes to a trial. */
export function isTeamEvent(event: { type: string }): event is TeamEvent {
  return event.type === 'trial.patch' || event.type === 'comment.upsert' || event.type === 'comment.remove';
}
