import type { TeamEdit } from '../../client/index.js';

/**
 * Raised by `<trial-table>` (star, tags) and the dashboard's panels when the user edits a trial.
 * The dashboard writes it to its source; a host that feeds the table itself writes it where it likes.
 */
export class TrialEditEvent extends Event {
  static readonly type = 'trial-edit';
  constructor(
    /** The edit, in the protocol's terms (`trial.patch`, `comment.upsert`, `comment.remove`). */
    readonly edit: TeamEdit,
  ) {
    super(TrialEditEvent.type, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'trial-edit': TrialEditEvent;
  }
}
