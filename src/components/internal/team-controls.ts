/**
 * The controls a team edits a trial with, shared by the table and the compare view: the star
 * toggle and the tag chips. Templates only; they report edits through `onEdit` in the protocol's
 * terms. Where the source cannot write, they stay visible but disabled, with the reason as their
 * description (`aria-disabled` keeps them focusable, so the reason can be heard).
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { TeamEdit } from '../../client/index.js';
import type { Trial } from '../../protocol/index.js';
import { trialLabel } from './format.js';

/** Whether the user can edit trials here, and if not, why. */
export interface EditAccess {
  readonly writable: boolean;
  /** Why not, when not writable: shown as the disabled controls' description. */
  readonly reason?: string;
}

/** Reports an edit; the host writes it. */
export type EditHandler = (edit: TeamEdit) => void;

/** `key` for a bare tag, `key=value` otherwise: how a tag reads on a chip and in a filter. */
export function tagText(key: string, value: string): string {
  return value === '' ? key : `${key}=${value}`;
}

/** A tag as typed: `key` or `key=value` (spaces around both trimmed); undefined when empty. */
export function parseTagInput(text: string): { key: string; value: string } | undefined {
  const at = text.indexOf('=');
  const key = (at < 0 ? text : text.slice(0, at)).trim();
  const value = at < 0 ? '' : text.slice(at + 1).trim();
  return key ? { key, value } : undefined;
}

/** The star toggle: pressed when the trial is starred. */
export function starToggle(
  trial: Trial,
  access: EditAccess,
  onEdit: EditHandler,
  tabbable = true,
): TemplateResult {
  const starred = trial.starred === true;
  const label = `Star trial ${trialLabel(trial)}`;
  return html`<button
    type="button"
    part="star"
    class="star"
    aria-pressed=${starred ? 'true' : 'false'}
    aria-disabled=${access.writable ? nothing : 'true'}
    aria-label=${label}
    title=${access.writable ? (starred ? 'Unstar' : 'Star') : (access.reason ?? 'Read-only')}
    tabindex=${tabbable ? 0 : -1}
    @click=${() => {
      if (access.writable) onEdit({ type: 'trial.patch', trialId: trial.id, starred: !starred });
    }}
  >
    <span aria-hidden="true">${starred ? '★' : '☆'}</span>
  </button>`;
}

/**
 * The trial's tags as chips, each with a remove button, and an add button (the host shows its
 * input when `adding`). Buttons are tab stops only when `tabbable` (a grid cell's content).
 */
export function tagChips(
  trial: Trial,
  access: EditAccess,
  onEdit: EditHandler,
  options: { tabbable: boolean; adding: boolean; startAdding(): void; stopAdding(): void },
): TemplateResult {
  const { tabbable } = options;
  const disabled = access.writable ? nothing : 'true';
  const reason = access.writable ? undefined : (access.reason ?? 'Read-only');
  const remove = (key: string) => {
    if (access.writable) onEdit({ type: 'trial.patch', trialId: trial.id, tags: { [key]: null } });
  };
  const submit = (input: HTMLInputElement) => {
    const tag = parseTagInput(input.value);
    // Removing the input blurs it, which submits again: it must find nothing left to add.
    input.value = '';
    if (tag && access.writable)
      onEdit({ type: 'trial.patch', trialId: trial.id, tags: { [tag.key]: tag.value } });
    options.stopAdding();
  };
  // The add button (or field) first: a cell too narrow for every chip still offers it.
  return html`<span class="tags">
    ${
      options.adding
        ? html`<input
            class="tag-input"
            aria-label="New tag for trial ${trialLabel(trial)} (key or key=value)"
            placeholder="tag or key=value"
            maxlength="8251"
            @keydown=${(e: KeyboardEvent) => {
              e.stopPropagation();
              // Handled here: the key must not go on to press "+", which takes the focus back.
              if (e.key === 'Enter' || e.key === 'Escape') e.preventDefault();
              if (e.key === 'Enter') submit(e.target as HTMLInputElement);
              if (e.key === 'Escape') {
                (e.target as HTMLInputElement).value = '';
                options.stopAdding();
              }
            }}
            @blur=${(e: FocusEvent) => submit(e.target as HTMLInputElement)}
          />`
        : html`<button
            type="button"
            part="tag-add"
            class="tag-add"
            aria-label="Add a tag to trial ${trialLabel(trial)}"
            aria-disabled=${disabled}
            title=${reason ?? 'Add a tag'}
            tabindex=${tabbable ? 0 : -1}
            @click=${() => {
              if (access.writable) options.startAdding();
            }}
          >
            <span aria-hidden="true">+</span>
          </button>`
    }
    ${Object.entries(trial.tags).map(
      ([key, value]) => html`<span part="tag" class="tag"
        ><span class="tag-text" title=${tagText(key, value)}>${tagText(key, value)}</span
        ><button
          type="button"
          class="tag-remove"
          aria-label="Remove tag ${tagText(key, value)} from trial ${trialLabel(trial)}"
          aria-disabled=${disabled}
          title=${reason ?? 'Remove tag'}
          tabindex=${tabbable ? 0 : -1}
          @click=${() => remove(key)}
        >
          <span aria-hidden="true">×</span>
        </button></span
      >`,
    )}
  </span>`;
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "3 minutes ago", "just now": when a comment was written, relative to `now`. */
export function relativeTime(ms: number, now: number): string {
  const elapsed = now - ms;
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  for (const [unit, size] of UNITS)
    if (Math.abs(elapsed) >= size) return format.format(-Math.round(elapsed / size), unit);
  return 'just now';
}
