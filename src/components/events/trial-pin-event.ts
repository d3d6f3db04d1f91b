/** Raised by `<trial-metrics-chart>` when a legend entry was clicked: the trial's curve is pinned as emphasised (or released). */
export class TrialPinEvent extends Event {
  static readonly type = 'trial-pin';
  constructor(
    readonly trialId: string,
    readonly pinned: boolean,
  ) {
    super(TrialPinEvent.type, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'trial-pin': TrialPinEvent;
  }
}
