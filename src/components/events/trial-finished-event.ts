import type { Trial } from '../../protocol/index.js';

/**
 * Raised by `<trial-dashboard>` when a trial moves from pending or running to a terminal status.
 * Cancelable: `preventDefault()` keeps the browser notification (when `notifications` is on) from showing.
 */
export class TrialFinishedEvent extends Event {
  static readonly type = 'trial-finished';
  constructor(
    /** The trial as it is now. */
    readonly trial: Trial,
    /** The status it had before. */
    readonly previousStatus: Trial['status'],
  ) {
    super(TrialFinishedEvent.type, { bubbles: true, composed: true, cancelable: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'trial-finished': TrialFinishedEvent;
  }
}
