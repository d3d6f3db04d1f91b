import type { Trial } from '../../protocol/index.js';

/** A metric threshold to watch, set through the dashboard's `alertRules` property. */
export interface AlertRule {
  /** The metric key to watch, e.g. `val_loss`. */
  metric: string;
  /** Fire when a new value is below (`<`) or above (`>`) `value`. */
  op: '<' | '>';
  value: number;
  /** Fire at most once per trial (the default); `false` fires for every update that meets the rule. */
  once?: boolean;
  /** A name for the rule, shown in notifications. */
  label?: string;
}

/**
 * Raised by `<trial-dashboard>` when a new metric point meets one of its `alertRules`.
 * Cancelable: `preventDefault()` keeps the browser notification (when `notifications` is on) from showing.
 */
export class TrialAlertEvent extends Event {
  static readonly type = 'trial-alert';
  constructor(
    readonly rule: AlertRule,
    readonly trial: Trial,
    /** The value that met the rule, and its step. */
    readonly value: number,
    readonly step: number,
  ) {
    super(TrialAlertEvent.type, { bubbles: true, composed: true, cancelable: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'trial-alert': TrialAlertEvent;
  }
}
