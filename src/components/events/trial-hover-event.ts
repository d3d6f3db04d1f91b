/** Raised by `<trial-metrics-chart>` and the analysis views when the trial under the pointer (in the plot or the legend) changed. */
export class TrialHoverEvent extends Event {
  static readonly type = 'trial-hover';
  /** @param trialId The trial now under the pointer; undefined when none. */
  constructor(readonly trialId: string | undefined) {
    super(TrialHoverEvent.type, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'trial-hover': TrialHoverEvent;
  }
}
