import type { ViewState } from '../trial-dashboard/view-state.js';

/**
 * Raised by `<trial-dashboard>` when its view changed (study, selection, metrics, axes, zoom, table
 * sort or filters), by the user or by a `view` the host set. A host router keeps `query` in its URL
 * and gives it back through `view = fromQuery(query)`.
 */
export class ViewChangeEvent extends Event {
  static readonly type = 'view-change';
  constructor(
    /** The view as an object. */
    readonly state: ViewState,
    /** The view as a query string without `?` (`toQuery(state)`). */
    readonly query: string,
  ) {
    super(ViewChangeEvent.type, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'view-change': ViewChangeEvent;
  }
}
