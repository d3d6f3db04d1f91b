/** The "left out" disclosure every analysis view ends with: what it did not draw, and why. */
import { html, nothing, type TemplateResult } from 'lit';

/** A `<details>` listing `notes`, or nothing when there are none. */
export function leftOutDetails(notes: readonly string[]): TemplateResult | typeof nothing {
  if (!notes.length) return nothing;
  return html`<details class="notes" part="notes">
    <summary>Left out or drawn apart (${notes.length})</summary>
    <ul>
      ${notes.map((note) => html`<li>${note}</li>`)}
    </ul>
  </details>`;
}
