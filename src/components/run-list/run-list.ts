/**
 * `<trial-run-list>`: the studies of a store, newest first, as a virtualized single-select
 * listbox for a sidebar. Stays smooth at 10,000 studies: only visible items are in the DOM, and a
 * study's progress and best value are computed when its item is drawn, then cached until its
 * trials change.
 */
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import type { StoreChange, TrialStore } from '../../client/index.js';
import type { Study } from '../../protocol/index.js';
import { StudySelectEvent } from '../events/study-select-event.js';
import { defineElement } from '../internal/define-element.js';
import { formatNumber, formatTime } from '../internal/format.js';
import { navigate } from '../internal/navigation.js';
import { statusIcon, statusLabel } from '../internal/status.js';
import { StoreController } from '../internal/store-controller.js';
import { type StudySummary, summarizeStudy } from '../internal/study-summary.js';
import { VirtualRowsController } from '../internal/virtual-rows.js';
import { runListStyles } from './run-list.styles.js';

declare global {
  interface HTMLElementTagNameMap {
    'trial-run-list': RunList;
  }
}

/**
 * @tag trial-run-list
 * @summary The studies of a store, newest first: name, status, trials done of target, best value, start.
 *
 * Arrow keys, Home/End and PageUp/PageDown move focus; Enter, Space or a click selects. Selection
 * does not follow focus, because selecting a study makes a dashboard load and draw it.
 *
 * @event study-select - {StudySelectEvent} The user picked a study; `.studyId`, `.study`.
 *
 * @csspart list - The listbox (the scrolling element).
 * @csspart item - A study; the selected one also has the part `item-selected`.
 * @csspart item-selected - The selected study (beside `item`).
 * @csspart name - A study's name.
 * @csspart meta - A study's second line (progress, best value, start).
 * @csspart empty - The message shown without studies.
 *
 * @cssproperty [--trialkit-run-list-height=100%] - The element's height, as a share of its container's.
 * @cssproperty [--trialkit-run-list-max-height=100vh] - Its largest height, so that it scrolls even in a container without a height.
 * @cssproperty [--trialkit-run-list-item-height=54px] - Height of one study.
 * @cssproperty [--trialkit-surface=#f6f7f9] - Background (shared token; see theme.ts for the rest of the set).
 * @cssproperty [--trialkit-selection=rgba(47, 111, 222, 0.14)] - Background of the selected study (shared token).
 */
export class RunList extends LitElement {
  static override styles = runListStyles;

  /** Registers the element under `tag` unless that tag is taken. Importing the class registers nothing. */
  static define(tag = 'trial-run-list'): typeof RunList {
    // biome-ignore lint/complexity/noThisInStatic: a subclass's define() registers the subclass.
    defineElement(tag, this);
    // biome-ignore lint/complexity/noThisInStatic: returns the class it was called on.
    return this;
  }

  /** The store whose studies are listed. */
  @property({ attribute: false }) store?: TrialStore;
  /** The id of the selected study; user selection updates it and raises `study-select`. */
  @property() selected?: string;
  /** The listbox's accessible name. */
  @property() label = 'Studies';
  /** `light` or `dark`; unset follows the OS preference. */
  @property({ reflect: true }) theme?: 'light' | 'dark';

  private readonly storeController = new StoreController(this, {
    onChange: (change) => this.onStoreChange(change),
  });
  private readonly rows = new VirtualRowsController(this, {
    scroller: () => this.renderRoot.querySelector<HTMLElement>('.list'),
    probe: () => this.renderRoot.querySelector<HTMLElement>('.probe'),
  });
  private ordered: Study[] = [];
  private positions = new Map<string, number>();
  private readonly summaries = new Map<string, StudySummary>();
  private orderDirty = true;
  /** The study holding the tab stop. */
  private activeId?: string;

  /** Study ids in display order (newest first). */
  get studyIds(): string[] {
    return this.ordered.map((s) => s.id);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('store')) {
      this.storeController.store = this.store;
      this.orderDirty = true;
      this.summaries.clear();
    }
    if (this.orderDirty) this.reorder();
    if (changed.has('selected') && this.selected !== undefined && this.positions.has(this.selected))
      this.activeId = this.selected;
    if (this.activeId === undefined || !this.positions.has(this.activeId))
      this.activeId = this.ordered[0]?.id;
    this.rows.count = this.ordered.length;
    this.rows.clamp();
  }

  /** Newest first; ties by name so the order is stable. */
  private reorder(): void {
    this.orderDirty = false;
    this.ordered = [...(this.store?.studies.values() ?? [])].sort(
      (a, b) => b.createdAt - a.createdAt || a.name.localeCompare(b.name),
    );
    this.positions = new Map(this.ordered.map((s, i) => [s.id, i]));
  }

  /** Drops the cached summaries of studies whose trials or series changed. */
  private onStoreChange(change: StoreChange): boolean {
    const store = this.store!;
    if (change.reset) {
      this.summaries.clear();
      this.orderDirty = true;
      return true;
    }
    if (change.studies.size) this.orderDirty = true;
    for (const id of change.studies) this.summaries.delete(id);
    const stale = (trialId: string) => {
      const studyId = store.getTrial(trialId)?.studyId;
      // A removed trial no longer says which study it left: forget every summary.
      if (studyId === undefined) this.summaries.clear();
      else this.summaries.delete(studyId);
    };
    for (const id of change.trials) stale(id);
    for (const series of change.series.values()) stale(series.trialId);
    return change.studies.size + change.trials.size + change.series.size > 0;
  }

  private summaryOf(study: Study): StudySummary {
    let summary = this.summaries.get(study.id);
    if (!summary) {
      summary = summarizeStudy(this.store!, study);
      this.summaries.set(study.id, summary);
    }
    return summary;
  }

  protected override render(): TemplateResult {
    const count = this.ordered.length;
    return html`
      <div
        part="list"
        class="list"
        role="listbox"
        aria-label=${this.label}
        @click=${this.onClick}
        @keydown=${this.onKeydown}
        @focusin=${this.onFocusin}
      >
        <div class="probe" aria-hidden="true"></div>
        <div class="body" style="height: calc(var(--_item-height) * ${count})">
          ${repeat(
            this.windowPositions(),
            (p) => this.ordered[p].id,
            (p) => this.renderItem(p),
          )}
        </div>
      </div>
      ${count ? nothing : html`<p part="empty" class="empty">No studies yet.</p>`}
    `;
  }

  /** The window, plus the item holding the tab stop so that focus survives scrolling away. */
  private windowPositions(): number[] {
    const positions: number[] = [];
    for (let p = this.rows.start; p < this.rows.end; p++) positions.push(p);
    const active = this.activeId === undefined ? -1 : (this.positions.get(this.activeId) ?? -1);
    if (active >= 0 && (active < this.rows.start || active >= this.rows.end)) positions.push(active);
    return positions;
  }

  private renderItem(position: number): TemplateResult {
    const study = this.ordered[position];
    const selected = study.id === this.selected;
    const summary = this.summaryOf(study);
    return html`<div
      role="option"
      part=${selected ? 'item item-selected' : 'item'}
      class="item"
      aria-selected=${selected ? 'true' : 'false'}
      aria-posinset=${position + 1}
      aria-setsize=${this.ordered.length}
      tabindex=${study.id === this.activeId ? 0 : -1}
      data-id=${study.id}
      style="transform: translateY(calc(var(--_item-height) * ${position}))"
    >
      ${guard([study, summary], () => this.renderContent(study, summary))}
    </div>`;
  }

  private renderContent(study: Study, summary: StudySummary): TemplateResult {
    // Without a target, "done" says nothing about a study whose trials are all still running.
    const progress = study.targetTrials
      ? `${summary.done} of ${study.targetTrials} trials`
      : `${summary.total} ${summary.total === 1 ? 'trial' : 'trials'}`;
    const running = summary.running > 0 ? `, ${summary.running} running` : '';
    return html`<div class="line">
        ${statusIcon(study.status)}<span class="sr-only">${statusLabel(study.status)},</span
        ><span part="name" class="name" title=${study.name}>${study.name}</span
        ><span class="when"><span class="sr-only">started </span>${formatTime(study.createdAt)}</span>
      </div>
      <div part="meta" class="line meta">
        <span>${progress}${running}</span>${
          summary.best === undefined
            ? nothing
            : html`<span class="best">best ${formatNumber(summary.best.value)}</span>`
        }
      </div>`;
  }

  private itemOf(event: Event): string | undefined {
    for (const node of event.composedPath()) {
      if (node instanceof HTMLElement && node.getAttribute('role') === 'option') return node.dataset.id;
    }
    return undefined;
  }

  private readonly onClick = (event: MouseEvent) => {
    const id = this.itemOf(event);
    if (id !== undefined) this.select(id);
  };

  private readonly onFocusin = (event: FocusEvent) => {
    const id = this.itemOf(event);
    if (id === undefined || id === this.activeId) return;
    this.activeId = id;
    this.requestUpdate();
  };

  private readonly onKeydown = (event: KeyboardEvent) => {
    if (!this.ordered.length) return;
    const current = this.positions.get(this.activeId ?? '') ?? 0;
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      this.select(this.ordered[current].id);
      return;
    }
    const next = navigate(
      event,
      { row: current, col: 0 },
      { rows: this.ordered.length, cols: 1, page: this.rows.pageSize, firstRow: 0, kind: 'list' },
    );
    if (!next) return;
    event.preventDefault();
    void this.focusAt(next.row);
  };

  /** Moves the tab stop to `position`, scrolls it into view and focuses it. */
  private async focusAt(position: number): Promise<void> {
    this.activeId = this.ordered[position].id;
    this.rows.scrollToRow(position);
    this.requestUpdate();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[role="option"][tabindex="0"]')?.focus();
  }

  private select(studyId: string): void {
    this.activeId = studyId;
    this.selected = studyId;
    // Built first, not inline: the manifest analyzer would take an inline constructor's argument for the event name.
    const event = new StudySelectEvent(studyId, this.store?.getStudy(studyId));
    this.dispatchEvent(event);
  }
}
