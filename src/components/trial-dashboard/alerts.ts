/**
 * Turns store changes into the dashboard's alerts: `trial-finished` when a trial reaches a terminal
 * status, `trial-alert` when a new metric point meets a rule. It remembers each trial's last status
 * so that only transitions count — a trial that arrives already finished (a snapshot, a page
 * reload) is history, not news.
 */
import type { StoreChange, TrialStore } from '../../client/index.js';
import type { Trial } from '../../protocol/index.js';
import { type AlertRule, TrialAlertEvent } from '../events/trial-alert-event.js';
import { TrialFinishedEvent } from '../events/trial-finished-event.js';
import { trialLabel } from '../internal/format.js';
import { TERMINAL_STATUSES } from '../internal/status.js';

export class AlertWatcher {
  private readonly statuses = new Map<string, Trial['status']>();
  /** `rule index \u0000 trialId` of `once` rules that already fired. */
  private readonly fired = new Set<string>();
  private primed = false;

  /** Rules to evaluate; replacing them forgets which `once` rules already fired. */
  set rules(rules: readonly AlertRule[]) {
    this._rules = rules;
    this.fired.clear();
  }
  get rules(): readonly AlertRule[] {
    return this._rules;
  }
  private _rules: readonly AlertRule[] = [];

  /** Forgets everything (the dashboard switched stores). */
  reset(): void {
    this.statuses.clear();
    this.fired.clear();
    this.primed = false;
  }

  /**
   * The alerts one coalesced change raises, in order: finished trials first, then metric alerts.
   * The first call (or the first after `reset`) records a baseline when the store already holds trials.
   */
  observe(change: StoreChange, store: TrialStore): Event[] {
    if (!this.primed) this.prime(store, change);
    const events: Event[] = [];
    const trialIds = change.reset ? store.trials.keys() : change.trials;
    for (const id of trialIds) {
      const trial = store.getTrial(id);
      const before = this.statuses.get(id);
      if (!trial) {
        this.statuses.delete(id);
        continue;
      }
      this.statuses.set(id, trial.status);
      if (before && !TERMINAL_STATUSES.has(before) && TERMINAL_STATUSES.has(trial.status)) {
        events.push(new TrialFinishedEvent(trial, before));
      }
    }
    if (this._rules.length) {
      for (const { trialId, key, from } of change.series.values())
        this.checkSeries(store, trialId, key, from, events);
    }
    return events;
  }

  /** Records the statuses the store held before this change, so its trials count as known. */
  private prime(store: TrialStore, change: StoreChange): void {
    this.primed = true;
    for (const [id, trial] of store.trials) {
      if (!change.trials.has(id) || change.reset) this.statuses.set(id, trial.status);
    }
  }

  private checkSeries(store: TrialStore, trialId: string, key: string, from: number, out: Event[]): void {
    const series = store.getSeries(trialId, key);
    const trial = store.getTrial(trialId);
    if (!series || !trial) return;
    this._rules.forEach((rule, index) => {
      if (rule.metric !== key) return;
      const firedKey = `${index}\u0000${trialId}`;
      const once = rule.once ?? true;
      if (once && this.fired.has(firedKey)) return;
      const hit = firstMatch(series.values, from, rule);
      if (hit < 0) return;
      if (once) this.fired.add(firedKey);
      out.push(new TrialAlertEvent(rule, trial, series.values[hit], series.steps[hit]));
    });
  }
}

/** Index of the first value at or after `from` that meets the rule, or -1. NaN never does. */
function firstMatch(values: Float64Array, from: number, rule: AlertRule): number {
  for (let i = from; i < values.length; i++) {
    const v = values[i];
    if (rule.op === '<' ? v < rule.value : v > rule.value) return i;
  }
  return -1;
}

/** A browser notification's text about an alert event, and the trial it opens; undefined for other events. */
export function describeAlert(event: Event): { title: string; body: string; trial: Trial } | undefined {
  if (event instanceof TrialFinishedEvent) {
    return {
      trial: event.trial,
      title: `Trial ${trialLabel(event.trial)} ${event.trial.status}`,
      body: `Was ${event.previousStatus}.`,
    };
  }
  if (event instanceof TrialAlertEvent) {
    const { rule } = event;
    const name = rule.label ?? `${rule.metric} ${rule.op} ${rule.value}`;
    return {
      trial: event.trial,
      title: `Trial ${trialLabel(event.trial)}: ${name}`,
      body: `${rule.metric} = ${event.value} at step ${event.step}.`,
    };
  }
  return undefined;
}
