/**
 * Trial status presentation shared by the table and the run list: a label, a lifecycle rank for
 * sorting, and an icon whose shape (not only its colour) tells the statuses apart.
 */
import { type SVGTemplateResult, svg } from 'lit';
import type { StudyStatus, TrialStatus } from '../../protocol/index.js';

/** Lifecycle order, used when sorting by status: live trials first, then outcomes. */
export const STATUS_ORDER: readonly TrialStatus[] = [
  'running',
  'pending',
  'succeeded',
  'pruned',
  'failed',
  'cancelled',
];

const RANK = new Map(STATUS_ORDER.map((status, i) => [status, i]));

/** The position of a status in `STATUS_ORDER`. */
export function statusRank(status: TrialStatus): number {
  return RANK.get(status) ?? STATUS_ORDER.length;
}

/** Human label for a trial or study status. */
export function statusLabel(status: TrialStatus | StudyStatus): string {
  return status.charAt(0).toUpperCase() + status.slice(1);
}

/** 16×16 shapes, drawn in `currentColor`. */
const SHAPES: Record<TrialStatus | StudyStatus, SVGTemplateResult> = {
  running: svg`<circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" stroke-width="2" stroke-dasharray="28 10"/><circle cx="8" cy="8" r="2" fill="currentColor"/>`,
  pending: svg`<circle cx="8" cy="8" r="5.5" fill="none" stroke="currentColor" stroke-width="1.5" stroke-dasharray="2.5 2"/>`,
  succeeded: svg`<circle cx="8" cy="8" r="7" fill="currentColor"/><path d="M4.5 8.2l2.3 2.3 4.7-4.9" fill="none" style="stroke: var(--_bg)" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/>`,
  completed: svg`<circle cx="8" cy="8" r="7" fill="currentColor"/><path d="M4.5 8.2l2.3 2.3 4.7-4.9" fill="none" style="stroke: var(--_bg)" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/>`,
  failed: svg`<path d="M8 1l7 13H1z" fill="currentColor"/><path d="M8 5.5v4M8 11.3v.2" style="stroke: var(--_bg)" stroke-width="1.6" stroke-linecap="round"/>`,
  pruned: svg`<rect x="1.5" y="1.5" width="13" height="13" rx="3" fill="none" stroke="currentColor" stroke-width="1.6"/><path d="M4.5 8h7" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>`,
  cancelled: svg`<circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" stroke-width="1.6"/><path d="M3.8 12.2l8.4-8.4" stroke="currentColor" stroke-width="1.6"/>`,
  paused: svg`<rect x="3.5" y="2.5" width="3" height="11" rx="1" fill="currentColor"/><rect x="9.5" y="2.5" width="3" height="11" rx="1" fill="currentColor"/>`,
};

/** The status icon, decorative: callers put the status in text next to it (visible or not). */
export function statusIcon(status: TrialStatus | StudyStatus): SVGTemplateResult {
  return svg`<svg class="status-icon" data-status=${status} viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">${SHAPES[status]}</svg>`;
}

/** Statuses a trial does not leave. */
export const TERMINAL_STATUSES: ReadonlySet<TrialStatus> = new Set([
  'succeeded',
  'failed',
  'pruned',
  'cancelled',
]);
