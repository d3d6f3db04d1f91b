/**
 * The bar above the table's grid: search, status and flag chips, active filters, the "Add filter"
 * form, the count, the column chooser and CSV export. A template; the element owns the state.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { STATUS_ORDER, statusIcon, statusLabel } from '../internal/status.js';
import type * as AddFilter from './add-filter.js';
import type { TableColumn } from './columns.js';
import type { TrialFilters } from './filter.js';
import { filterChips } from './filter-chips.js';

/** What the toolbar shows. */
export interface ToolbarState {
  filters: TrialFilters;
  /** Flags seen on the study's trials. */
  flags: ReadonlySet<string>;
  /** Tag keys seen on the study's trials. */
  tags: ReadonlySet<string>;
  /** Columns the study offers, and those shown. */
  available: readonly TableColumn[];
  shown: readonly TableColumn[];
  /** Trials that pass the filters, of all the study's. */
  count: number;
  total: number;
  /** The "Add filter" form's module, once loaded (`loadAddFilter` asks for it); until then, what the menu says. */
  addFilter: typeof AddFilter | undefined;
  addFilterStatus: string;
}

/** What the toolbar asks of the element. */
export interface ToolbarActions {
  setFilters(filters: TrialFilters): void;
  patchFilters(patch: Partial<TrialFilters>): void;
  toggleColumn(id: string): void;
  downloadCsv(): void;
  /** Loads the "Add filter" form: on the menu's first hover, focus or opening. */
  loadAddFilter(): void;
}

export function toolbar(state: ToolbarState, actions: ToolbarActions): TemplateResult {
  const statuses = new Set(state.filters.status ?? []);
  const flags = new Set(state.filters.flags ?? []);
  const tags = new Set(state.filters.tags ?? []);
  const shown = new Set(state.shown.map((c) => c.id));
  return html`
    <div part="toolbar" class="toolbar" @keydown=${closeMenu} @focusout=${closeMenu}>
      <input
        part="search"
        type="search"
        aria-label="Search trials"
        placeholder="Search trials"
        .value=${live(state.filters.text ?? '')}
        @input=${(e: InputEvent) => actions.patchFilters({ text: (e.target as HTMLInputElement).value })}
      />
      <div class="chips" role="group" aria-label="Filter by status">
        ${STATUS_ORDER.map(
          (status) => html`<button
            type="button"
            part="filter-chip"
            data-status=${status}
            aria-pressed=${statuses.has(status) ? 'true' : 'false'}
            @click=${() => actions.patchFilters({ status: toggled(state.filters.status, status) })}
          >
            ${statusIcon(status)}${statusLabel(status)}
          </button>`,
        )}
      </div>
      ${
        state.flags.size
          ? html`<div class="chips" role="group" aria-label="Filter by flag">
            ${[...state.flags].sort().map(
              (flag) => html`<button
                type="button"
                part="filter-chip"
                data-flag=${flag}
                aria-pressed=${flags.has(flag) ? 'true' : 'false'}
                @click=${() => actions.patchFilters({ flags: toggled(state.filters.flags, flag) })}
              >
                ${flag}
              </button>`,
            )}
          </div>`
          : nothing
      }
      <div class="chips" role="group" aria-label="Filter by star and tag">
        <button
          type="button"
          part="filter-chip"
          data-starred
          aria-pressed=${state.filters.starred ? 'true' : 'false'}
          @click=${() => actions.patchFilters({ starred: state.filters.starred ? undefined : true })}
        >
          <span aria-hidden="true">★</span> Starred
        </button>
        ${[...state.tags].sort().map(
          (tag) => html`<button
            type="button"
            part="filter-chip"
            data-tag=${tag}
            aria-pressed=${tags.has(tag) ? 'true' : 'false'}
            aria-label="Tag ${tag}"
            @click=${() => actions.patchFilters({ tags: toggled(state.filters.tags, tag) })}
          >
            <span aria-hidden="true">#</span>${tag}
          </button>`,
        )}
      </div>
      ${filterChips(state.filters).map(
        (chip) => html`<button
          type="button"
          part="filter-chip"
          class="active-filter"
          aria-label="Remove filter ${chip.label}"
          @click=${(e: Event) => {
            actions.setFilters(chip.without);
            // The chip goes: focus moves to the search box, not to the page.
            (e.target as Element).closest('div')!.querySelector('input')!.focus();
          }}
        >
          ${chip.label} <span aria-hidden="true">✕</span>
        </button>`,
      )}
      <details
        part="filter-menu"
        class="chooser filters"
        @pointerenter=${actions.loadAddFilter}
        @focusin=${actions.loadAddFilter}
        @toggle=${(e: Event) => {
          actions.loadAddFilter();
          placeMenu(e);
        }}
      >
        <summary>Add filter</summary>
        ${
          state.addFilter
            ? state.addFilter.filterForm(state.available, (column, form) => {
                const next = state.addFilter?.applyForm(state.filters, column, form);
                if (next) actions.setFilters(next);
              })
            : html`<p class="menu" role="status">${state.addFilterStatus}</p>`
        }
      </details>
      <span part="count" class="count">${state.count.toLocaleString()} of ${state.total.toLocaleString()} trials</span>
      <details part="column-chooser" class="chooser" @toggle=${placeMenu}>
        <summary>Columns</summary>
        <div class="menu" role="group" aria-label="Columns to show">
          ${state.available.map(
            (c) => html`<label>
              <input
                type="checkbox"
                data-column=${c.id}
                .checked=${live(shown.has(c.id))}
                @change=${() => actions.toggleColumn(c.id)}
              />${c.label === '#' ? 'Number' : c.label}
            </label>`,
          )}
        </div>
      </details>
      <button part="export-button" class="action" type="button" @click=${() => actions.downloadCsv()}>
        Export CSV
      </button>
    </div>
  `;
}

/**
 * Keeps a menu just opened inside the table, whose box clips it: below its toggle, on the side with
 * room (a wrapped toolbar can put Columns at the left edge), no taller than the room below.
 */
function placeMenu(event: Event): void {
  const details = event.target as HTMLDetailsElement;
  const menu = details.querySelector<HTMLElement>('.menu');
  if (!details.open || !menu) return;
  const table = (details.getRootNode() as ShadowRoot).host.getBoundingClientRect();
  const toggle = details.getBoundingClientRect();
  const rightward = toggle.left + menu.offsetWidth <= table.right;
  menu.style.left = rightward ? '0' : 'auto';
  menu.style.right = rightward ? 'auto' : '0';
  // Less its top gap, padding and border, so its box ends above the table's edge.
  menu.style.maxHeight = `${Math.max(96, table.bottom - toggle.bottom - 24)}px`;
}

/**
 * Closes an open menu (Add filter, Columns) on Escape, back on its toggle, or when focus moves out
 * of it: left open, it covers the grid's columns under the focused cell.
 */
function closeMenu(event: Event): void {
  const menu = (event.target as Element).closest('details');
  const to = (event as FocusEvent).relatedTarget as Node | null;
  const escaped = (event as KeyboardEvent).key === 'Escape';
  if (!menu || !(escaped || (to && !menu.contains(to)))) return;
  menu.open = false;
  if (escaped) (menu.firstElementChild as HTMLElement).focus();
}

/** `list` with `item` added, or removed if present. */
function toggled<T>(list: readonly T[] | undefined, item: T): T[] {
  const items = list ?? [];
  return items.includes(item) ? items.filter((x) => x !== item) : [...items, item];
}
