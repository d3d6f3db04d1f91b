/**
 * Events raised by `<trial-metrics-chart>`. Each is a class so listeners get typed fields
 * (`chart.addEventListener('trial-hover', (e) => e.trialId)`); all bubble and cross shadow roots.
 */

/** The trial under the pointer (in the plot or the legend) changed; `trialId` is undefined when none. */
export class TrialHoverEvent extends Event {
  static readonly type = 'trial-hover';
  constructor(readonly trialId: string | undefined) {
    super(TrialHoverEvent.type, { bubbles: true, composed: true });
  }
}

/** A legend entry was clicked: the trial's curve is pinned as emphasised (or released). */
export class TrialPinEvent extends Event {
  static readonly type = 'trial-pin';
  constructor(
    readonly trialId: string,
    readonly pinned: boolean,
  ) {
    super(TrialPinEvent.type, { bubbles: true, composed: true });
  }
}

/**
 * The user zoomed (box drag) or reset the zoom (double-click). Domains are in axis units (steps,
 * epoch ms, or seconds since the start); undefined means automatic.
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
    'trial-hover': TrialHoverEvent;
    'trial-pin': TrialPinEvent;
    'zoom-change': ZoomChangeEvent;
  }
}
