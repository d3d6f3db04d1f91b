import type { Trial } from '../../protocol/index.js';

/**
 * Raised by `<trial-table trial-links>` when the user asks for a link to one trial (the row's link
 * button). The table knows nothing of URLs: its host (`<trial-dashboard>`) builds and copies the link.
 */
export class TrialLinkRequestEvent extends Event {
  static readonly type = 'trial-link-request';
  constructor(
    /** The trial the link is for. */
    readonly trial: Trial,
  ) {
    super(TrialLinkRequestEvent.type, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'trial-link-request': TrialLinkRequestEvent;
  }
}
