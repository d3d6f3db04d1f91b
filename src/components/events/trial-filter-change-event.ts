import type { TrialFilters } from '../trial-table/filter.js';

/**
 * Raised by `<trial-parallel-coords>` while the user brushes its axes: the filters the brushes
 * amount to, in the shape `<trial-table>` takes as `filters` (param ranges and values, and a metric
 * range for the objective axis), merged into the filters it was given. Raised by `<trial-table>`
 * when the user changes its filters (search, chips, "Add filter").
 */
export class TrialFilterChangeEvent extends Event {
  static readonly type = 'trial-filter-change';
  constructor(
    /** The filters to apply: every other condition as given, the brushed ones replaced. */
    readonly filters: TrialFilters,
  ) {
    super(TrialFilterChangeEvent.type, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'trial-filter-change': TrialFilterChangeEvent;
  }
}
