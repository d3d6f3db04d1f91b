import type { Trial } from '../../protocol/index.js';

/** Raised by `<trial-table>` when the user changes the selection (click, shift-click, ctrl/meta-click, keyboard). */
export class TrialSelectEvent extends Event {
  static readonly type = 'trial-select';
  constructor(
    /** Every selected trial id, in display order for range selections. */
    readonly trialIds: readonly string[],
    /** The trial the user acted on. */
    readonly trial: Trial | undefined,
  ) {
    super(TrialSelectEvent.type, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'trial-select': TrialSelectEvent;
  }
}
