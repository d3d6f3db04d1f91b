/**
 * Raised by `<trial-metrics-chart>` when the user clicks a point of a curve: they want to mark that
 * step of that trial (the dashboard opens its annotation form there).
 */
export class AnnotationRequestEvent extends Event {
  static readonly type = 'annotation-request';
  constructor(
    readonly trialId: string,
    /** The chart's metric. */
    readonly key: string,
    /** The step of the point clicked. */
    readonly step: number,
  ) {
    super(AnnotationRequestEvent.type, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'annotation-request': AnnotationRequestEvent;
  }
}
