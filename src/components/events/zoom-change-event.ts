/**
 * Raised by `<trial-metrics-chart>` when the user zoomed (box drag) or reset the zoom
 * (double-click). Domains are in axis units (steps, epoch ms, or seconds since the start);
 * undefined means automatic.
 */
export class ZoomChangeEvent extends Event {
  static readonly type = 'zoom-change';
  constructor(
    readonly x: readonly [number, number] | undefined,
    readonly y: readonly [number, number] | undefined,
  ) {
    super(ZoomChangeEvent.type, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'zoom-change': ZoomChangeEvent;
  }
}
