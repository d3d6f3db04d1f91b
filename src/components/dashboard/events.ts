/**
 * The DOM events `<trial-dashboard>` raises. Both bubble and cross shadow roots so a host page can
 * listen on `document`, and both are cancelable: `preventDefault()` keeps the browser notification
 * (when `notifications` is on) from showing.
 */
import type { Trial } from '../../protocol/index.js';

/** Statuses a trial does not leave. */
export const TERMINAL_STATUSES: ReadonlySet<Trial['status']> = new Set([
  'succeeded',
  'failed',
  'pruned',
  'cancelled',
]);

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

/** Raised when a trial moves from pending or running to a terminal status. */
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

/** Raised when a new metric point meets one of the dashboard's `alertRules`. */
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
    'trial-finished': TrialFinishedEvent;
    'trial-alert': TrialAlertEvent;
  }
}
