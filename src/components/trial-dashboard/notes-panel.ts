/**
 * The dashboard's notes panel for a selected trial: its notes, editable when the source can store
 * notes. It keeps the unsaved draft and the state of the last save, and asks the host to render
 * when either changes. Loaded with the first trial shown (the dashboard says "Select a trial"
 * until then), with the styles of the editor.
 */
import { css, html, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { Trial } from '../../protocol/index.js';
import { trialLabel } from '../internal/format.js';

export const styles = css`
  .notes-text {
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .notes textarea {
    font: inherit;
    color: var(--_fg);
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    min-height: 120px;
    resize: vertical;
    padding: 6px 8px;
  }
  .notes-actions {
    display: flex;
    align-items: center;
    gap: 8px;
  }
  .notes-actions [aria-disabled='true'] {
    opacity: 0.55;
    cursor: default;
  }
`;

/** A producer that can also write a trial's notes (the in-process sync engine can). */
export interface NotesWriter {
  setTrialNotes(trialId: string, notes: string): unknown;
}

/** True when `source` can write notes. */
export function canWriteNotes(source: unknown): source is NotesWriter {
  return typeof (source as Partial<NotesWriter> | undefined)?.setTrialNotes === 'function';
}

/** What the panel is doing with the last save. */
type NotesSave = { trialId: string; state: 'saving' | 'saved' | 'failed'; message?: string };

/** The panel's state and template; the host calls `render` and is asked to update when the state changes. */
export class NotesPanel {
  private draft?: { trialId: string; text: string };
  private save?: NotesSave;

  /**
   * `source` is the dashboard's producer (its `setTrialNotes` is used when it has one); `fallback`
   * writes notes another way (a `trial.patch` posted to the server) when it does not.
   */
  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly source: () => unknown,
    private readonly fallback: () => NotesWriter | undefined = () => undefined,
  ) {}

  /** Who writes notes here, if anyone. */
  private writer(): NotesWriter | undefined {
    const source = this.source();
    return canWriteNotes(source) ? source : this.fallback();
  }

  /** The panel for `trial`. */
  render(trial: Trial): TemplateResult {
    const writable = this.writer() !== undefined;
    const draft = this.draft?.trialId === trial.id ? this.draft.text : undefined;
    const save = this.save?.trialId === trial.id ? this.save : undefined;
    // aria-disabled, not disabled: a disabled button loses focus to the page once it is pressed.
    const idle = draft === undefined || save?.state === 'saving';
    return html`<aside class="notes" part="notes" aria-label="Notes">
      <h3>Notes · trial ${trialLabel(trial)}</h3>
      ${
        writable
          ? html`<textarea
              aria-label="Notes for trial ${trialLabel(trial)}"
              .value=${draft ?? trial.notes ?? ''}
              @input=${(e: InputEvent) => {
                this.setDraft({ trialId: trial.id, text: (e.target as HTMLTextAreaElement).value });
              }}
            ></textarea>
            <div class="notes-actions">
              <button aria-disabled=${idle ? 'true' : 'false'} @click=${() => idle || this.saveNotes(trial.id)}>
                Save notes
              </button>
              <span role="status" class="muted">${save ? (save.message ?? save.state) : ''}</span>
            </div>`
          : html`<p class="notes-text">${trial.notes || html`<span class="muted">No notes.</span>`}</p>
            <p class="muted small">Read-only: this source cannot store notes.</p>`
      }
    </aside>`;
  }

  private async saveNotes(trialId: string): Promise<void> {
    const draft = this.draft;
    const source = this.writer();
    if (!draft || draft.trialId !== trialId || !source) return;
    this.setSave({ trialId, state: 'saving', message: 'Saving…' });
    try {
      await source.setTrialNotes(trialId, draft.text);
      this.setSave({ trialId, state: 'saved', message: 'Saved.' });
      // Keep the draft if the user typed on while saving.
      if (this.draft?.text === draft.text) this.setDraft(undefined);
    } catch (err) {
      this.setSave({ trialId, state: 'failed', message: `Not saved: ${(err as Error).message}` });
    }
  }

  private setDraft(draft: typeof this.draft): void {
    this.draft = draft;
    this.host.requestUpdate();
  }

  private setSave(save: NotesSave): void {
    this.save = save;
    this.host.requestUpdate();
  }
}
