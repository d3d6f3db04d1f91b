/**
 * `<trial-comments>`: a trial's comment thread (author, when, text; annotations with their step),
 * editing and deleting one's own, and a form that adds a comment or, with a step, an annotation
 * (the keyboard's way to do what a click on a chart does). Text is rendered as text. The dashboard
 * loads it on demand (it is not part of `trialkit/define`'s first load) and writes its edits.
 */
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { TeamEdit } from '../../client/index.js';
import type { Comment, Trial } from '../../protocol/index.js';
import { TrialEditEvent } from '../events/trial-edit-event.js';
import { defineElement } from '../internal/define-element.js';
import { trialLabel } from '../internal/format.js';
import { type EditAccess, relativeTime } from '../internal/team-controls.js';
import { trialCommentsStyles } from './trial-comments.styles.js';

/** A new comment being written: for which trial, and the step (and metric) it marks, if any. */
interface Draft {
  trialId: string;
  text: string;
  step: string;
  key?: string;
}

/**
 * @tag trial-comments
 * @summary A trial's comments and step annotations: read, add, edit and delete one's own.
 *
 * @event trial-edit - {TrialEditEvent} Without `write`: the user added, edited or deleted a comment (`.edit`).
 *
 * @csspart comments - The panel.
 * @csspart comment - One comment of the thread.
 * @csspart annotation-step - The step an annotation marks.
 *
 * @cssproperty [--trialkit-surface=#f6f8fa] - Panel background (shared theme token).
 * @cssproperty [--trialkit-border=#d6dae0] - Borders (shared theme token).
 */
export class TrialComments extends LitElement {
  static override styles = trialCommentsStyles;

  /** Registers the element under `tag` unless that tag is taken; returns the class. */
  static define(tag = 'trial-comments'): typeof TrialComments {
    // biome-ignore lint/complexity/noThisInStatic: a subclass's define() registers the subclass.
    defineElement(tag, this);
    // biome-ignore lint/complexity/noThisInStatic: returns the class it was called on.
    return this;
  }

  /** The trial whose thread is shown. */
  @property({ attribute: false }) trial?: Trial;
  /** Whether the user may write, and why not: without it the form is disabled with the reason. */
  @property({ attribute: false }) access: EditAccess = { writable: false, reason: 'Read-only.' };
  /** Who writes: comments are signed with it, and only its own can be edited or deleted. */
  @property() author = 'anonymous';
  /**
   * Writes an edit and resolves true once stored (the form then clears). Without it the element
   * raises `trial-edit` and takes the edit as stored.
   */
  @property({ attribute: false }) write?: (edit: TeamEdit) => Promise<boolean>;
  /** `light` or `dark`; unset follows the OS. */
  @property({ reflect: true }) theme?: 'light' | 'dark';

  @state() private draft?: Draft;
  @state() private editing?: { trialId: string; id: string; text: string };

  /** Opens the form for an annotation at `step` of `trialId` (a click on a chart) and focuses its text. */
  async annotate(trialId: string, step: number, key?: string): Promise<void> {
    this.draft = {
      trialId,
      text: this.draft?.trialId === trialId ? this.draft.text : '',
      step: String(step),
      key,
    };
    await this.updateComplete;
    // Focused where it is: scrolling the page to it would move the chart from under the pointer.
    this.renderRoot
      .querySelector<HTMLTextAreaElement>('textarea[name="comment"]')
      ?.focus({ preventScroll: true });
  }

  protected override render(): TemplateResult {
    const trial = this.trial;
    if (!trial) {
      return html`<section class="comments" part="comments" aria-label="Comments">
        <h3>Comments</h3>
        <p class="muted">Select a trial to see its comments and annotations.</p>
      </section>`;
    }
    const comments = trial.comments ?? [];
    const now = Date.now();
    return html`<section class="comments" part="comments" aria-label="Comments on trial ${trialLabel(trial)}">
      <h3>Comments · ${comments.length}</h3>
      ${
        comments.length
          ? html`<ol class="thread">
            ${comments.map((c) => this.comment(trial, c, now))}
          </ol>`
          : html`<p class="muted">No comments yet.</p>`
      }
      ${this.form(trial)}
    </section>`;
  }

  private async send(edit: TeamEdit): Promise<boolean> {
    if (this.write) return this.write(edit);
    // Built first, not inline: the manifest analyzer would take an inline constructor's argument for the event name.
    const event = new TrialEditEvent(edit);
    this.dispatchEvent(event);
    return true;
  }

  private comment(trial: Trial, c: Comment, now: number): TemplateResult {
    const own = this.access.writable && c.author === this.author;
    const editing = this.editing?.trialId === trial.id && this.editing.id === c.id ? this.editing : undefined;
    return html`<li part="comment" class="comment" data-comment=${c.id}>
      <div class="comment-head">
        <strong class="author">${c.author}</strong>
        <time datetime=${new Date(c.createdAt).toISOString()} title=${new Date(c.createdAt).toLocaleString()}
          >${relativeTime(c.createdAt, now)}</time
        >${c.editedAt !== undefined ? html` <span class="muted">(edited)</span>` : nothing}
        ${c.step !== undefined ? html`<span part="annotation-step" class="step-badge">step ${c.step}${c.key ? html` · ${c.key}` : nothing}</span>` : nothing}
      </div>
      ${
        editing
          ? html`<textarea
              aria-label="Edit comment"
              maxlength="5000"
              .value=${editing.text}
              @input=${(e: InputEvent) => {
                this.editing = { ...editing, text: (e.target as HTMLTextAreaElement).value };
              }}
              @keydown=${(e: KeyboardEvent) => {
                if (e.key === 'Escape') this.setEditing(undefined);
              }}
            ></textarea>
            <div class="comment-actions">
              <button type="button" @click=${() => this.saveEdit(trial, c)}>Save</button>
              <button type="button" @click=${() => this.setEditing(undefined)}>Cancel</button>
            </div>`
          : html`<p class="comment-text">${c.text}</p>`
      }
      ${
        own && !editing
          ? html`<div class="comment-actions">
              <button type="button" aria-label="Edit comment by ${c.author}" @click=${() => this.setEditing({ trialId: trial.id, id: c.id, text: c.text })}>Edit</button>
              <button type="button" aria-label="Delete comment by ${c.author}" @click=${() => this.deleteComment(trial, c)}>Delete</button>
            </div>`
          : nothing
      }
    </li>`;
  }

  private form(trial: Trial): TemplateResult {
    const draft = this.draft?.trialId === trial.id ? this.draft : undefined;
    const { writable, reason } = this.access;
    const stepped = (draft?.step ?? '').trim() !== '';
    return html`<form class="comment-form" @submit=${(e: SubmitEvent) => this.add(e, trial)}>
      <label
        >${stepped ? 'Annotation' : 'Comment'} as ${this.author}
        <textarea
          name="comment"
          maxlength="5000"
          ?disabled=${!writable}
          aria-describedby=${writable ? nothing : 'comments-read-only'}
          .value=${draft?.text ?? ''}
          @input=${(e: InputEvent) => this.setDraft(trial.id, { text: (e.target as HTMLTextAreaElement).value })}
        ></textarea>
      </label>
      <div class="comment-actions">
        <label class="step-field"
          >Step
          <input
            name="step"
            type="number"
            step="1"
            inputmode="numeric"
            placeholder="none"
            ?disabled=${!writable}
            .value=${draft?.step ?? ''}
            @input=${(e: InputEvent) => this.setDraft(trial.id, { step: (e.target as HTMLInputElement).value })}
        /></label>
        <button
          type="submit"
          ?disabled=${!writable}
          aria-disabled=${(draft?.text ?? '').trim() ? 'false' : 'true'}
        >
          ${stepped ? 'Add annotation' : 'Add comment'}
        </button>
      </div>
      ${writable ? nothing : html`<p id="comments-read-only" class="muted small">${reason}</p>`}
    </form>`;
  }

  private async add(event: SubmitEvent, trial: Trial): Promise<void> {
    event.preventDefault();
    const draft = this.draft;
    if (!draft || draft.trialId !== trial.id || !draft.text.trim()) return;
    const step = draft.step.trim() === '' ? undefined : Math.round(Number(draft.step));
    const comment: Comment = {
      id: crypto.randomUUID(),
      author: this.author,
      text: draft.text.trim(),
      createdAt: Date.now(),
      ...(step !== undefined && Number.isFinite(step) && { step }),
      ...(step !== undefined && draft.key && { key: draft.key }),
    };
    if ((await this.send({ type: 'comment.upsert', trialId: trial.id, comment })) && this.draft === draft)
      this.draft = undefined;
  }

  private async saveEdit(trial: Trial, c: Comment): Promise<void> {
    const editing = this.editing;
    if (!editing?.text.trim()) return;
    const comment: Comment = { ...c, text: editing.text.trim(), editedAt: Date.now() };
    if (await this.send({ type: 'comment.upsert', trialId: trial.id, comment })) this.setEditing(undefined);
  }

  private async deleteComment(trial: Trial, c: Comment): Promise<void> {
    await this.send({ type: 'comment.remove', trialId: trial.id, commentId: c.id, author: this.author });
  }

  private setDraft(trialId: string, patch: Partial<Draft>): void {
    const base = this.draft?.trialId === trialId ? this.draft : { trialId, text: '', step: '' };
    this.draft = { ...base, ...patch };
  }

  /** Starts or ends editing a comment; focus goes to its edit box, then back to its Edit button. */
  private setEditing(editing: typeof this.editing): void {
    const id = (editing ?? this.editing)?.id;
    this.editing = editing;
    if (id === undefined) return;
    void this.updateComplete.then(() =>
      this.renderRoot
        .querySelector<HTMLElement>(
          `[data-comment="${CSS.escape(id)}"] ${editing ? 'textarea' : 'button[aria-label^="Edit"]'}`,
        )
        ?.focus(),
    );
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'trial-comments': TrialComments;
  }
}
