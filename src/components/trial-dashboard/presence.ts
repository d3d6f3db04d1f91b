/**
 * The header's presence area: who else is looking at this study (a chip per named viewer, a count
 * of anonymous ones), or why that cannot be known. It says politely in a live region when a named
 * viewer joins or leaves — never for the first picture of a study, and never for this tab itself.
 * Loaded once the source has said whether it shares presence; the dashboard announces the tab.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { TrialStore } from '../../client/index.js';
import type { StudyPresence, Viewer } from '../../protocol/index.js';

export { presenceStyles as styles } from './presence.styles.js';

/** Chips shown before the rest are folded into "+N more". */
const MAX_CHIPS = 5;
/** Only `#rrggbb` reaches the style attribute, even from a trusted event that skipped validation. */
const COLOR = /^#[0-9a-fA-F]{6}$/;
const FALLBACK_COLOR = '#6b7280';

/** Viewers with the same name and colour (one person, several tabs) share a chip. */
interface Chip {
  name: string;
  color: string;
  tabs: number;
  you: boolean;
}

export class PresenceController {
  /** The last study observed and the names seen on it, to tell joins and leaves apart. */
  private seen?: { studyId: string; names: Set<string> };
  private message = '';

  /**
   * Before each render: notes who joined or left `studyId` since the last look at the same study
   * (the dashboard has announced this tab already).
   */
  update(store: TrialStore, studyId: string | undefined): void {
    const presence = studyId ? store.presence.of(studyId) : undefined;
    const names = new Set(others(store, presence).map((v) => v.name));
    const before = this.seen?.studyId === studyId ? this.seen?.names : undefined;
    this.seen = studyId ? { studyId, names } : undefined;
    if (!before) return;
    const joined = [...names].filter((n) => !before.has(n));
    const left = [...before].filter((n) => !names.has(n));
    if (joined.length || left.length) this.message = describe(joined, left);
  }

  /** The presence area for `studyId`, or nothing while the source has not said whether it can share it. */
  render(store: TrialStore | undefined, studyId: string): TemplateResult | typeof nothing {
    const status = store?.presence.status;
    if (!store || !status || status.state === 'pending') return nothing;
    if (status.state === 'unavailable') return off(status.reason);
    if (store.connection.state !== 'open')
      return off('Reconnecting: who is watching will show again once connected.');
    const presence = store.presence.of(studyId);
    const chips = group(presence?.viewers ?? [], store.presence.id);
    const shown = chips.slice(0, MAX_CHIPS);
    const folded = chips.slice(MAX_CHIPS);
    const more = folded.length + (presence?.more ?? 0);
    // The server counts this tab among the anonymous when it has no name: those are the others.
    const self = store.presence.self;
    const anonymous = Math.max(
      0,
      (presence?.anonymous ?? 0) - Number(!self.name && self.studyId === studyId),
    );
    const everyone = [...chips.map(label), ...(anonymous ? [`${anonymous} anonymous`] : [])];
    return html`<div
      class="presence"
      part="presence"
      role="group"
      tabindex="0"
      aria-label=${status.state === 'local' ? 'Watching this study (this page only)' : 'Watching this study'}
      title=${status.state === 'local' ? status.reason : nothing}
    >
      <ul class="viewers">
        ${shown.map(
          (chip) => html`<li
            class="viewer"
            part="viewer"
            title=${label(chip)}
            style="--_viewer: ${chip.color}; --_viewer-ink: ${inkOn(chip.color)}"
          >
            <span aria-hidden="true">${initials(chip.name)}</span><span class="sr-only">${label(chip)}</span>
          </li>`,
        )}
        ${more ? html`<li class="viewer more" title=${folded.map(label).join(', ')}>+${more}<span class="sr-only"> more</span></li>` : nothing}
      </ul>
      ${anonymous ? html`<span class="anonymous">+${anonymous} anonymous</span>` : nothing}
      ${everyone.length ? nothing : html`<span class="alone">Only you</span>`}
      <div class="viewer-names" part="viewer-names" aria-hidden="true">${everyone.join(', ') || 'Nobody else'}</div>
    </div>
    <span class="sr-only" role="status">${this.message}</span>`;
  }
}

/**
 * Presence that cannot be known: said briefly, with the reason shown on hover and focus and read
 * by screen readers.
 */
function off(reason: string): TemplateResult {
  return html`<div
    class="presence presence-off"
    part="presence"
    data-state="off"
    role="group"
    tabindex="0"
    aria-label=${`Viewers unknown: ${reason}`}
  >
    <span aria-hidden="true">Viewers unknown</span>
    <div class="viewer-names" part="viewer-names" aria-hidden="true">${reason}</div>
  </div>`;
}

/** The named viewers other than this tab. */
function others(store: TrialStore, presence: StudyPresence | undefined): Viewer[] {
  return (presence?.viewers ?? []).filter((v) => v.id !== store.presence.id);
}

function group(viewers: readonly Viewer[], selfId: string): Chip[] {
  const chips = new Map<string, Chip>();
  for (const viewer of viewers) {
    const color = COLOR.test(viewer.color) ? viewer.color : FALLBACK_COLOR;
    const key = `${viewer.name}\u0000${color}`;
    const chip = chips.get(key) ?? { name: viewer.name, color, tabs: 0, you: false };
    chip.tabs++;
    chip.you ||= viewer.id === selfId;
    chips.set(key, chip);
  }
  // This tab first, then the others as the server ordered them (by name).
  return [...chips.values()].sort((a, b) => Number(b.you) - Number(a.you));
}

function label(chip: Chip): string {
  return `${chip.name}${chip.you ? ' (you)' : ''}${chip.tabs > 1 ? ` (${chip.tabs} tabs)` : ''}`;
}

/** Up to two letters: the first of the first two words (by code point, so emoji stay whole). */
function initials(name: string): string {
  const words = name.trim().split(/\s+/).slice(0, 2);
  return words
    .map((w) => Array.from(w)[0] ?? '')
    .join('')
    .toUpperCase();
}

/** Black or white, whichever reads better on `color` (#rrggbb). */
function inkOn(color: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(color.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  // Contrast with black is (L + 0.05) / 0.05, with white 1.05 / (L + 0.05): equal at L ≈ 0.179.
  return luminance > 0.179 ? '#000000' : '#ffffff';
}

function describe(joined: string[], left: string[]): string {
  const list = (names: string[]) =>
    names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
  return [joined.length ? `${list(joined)} joined.` : '', left.length ? `${list(left)} left.` : '']
    .filter(Boolean)
    .join(' ');
}
