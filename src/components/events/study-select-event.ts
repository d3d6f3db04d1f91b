import type { Study } from '../../protocol/index.js';

/** Raised by `<trial-run-list>` when the user picks a study (click, Enter or Space). */
export class StudySelectEvent extends Event {
  static readonly type = 'study-select';
  constructor(
    readonly studyId: string,
    readonly study: Study | undefined,
  ) {
    super(StudySelectEvent.type, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'study-select': StudySelectEvent;
  }
}
