/**
 * The dashboard's banner (role=alert): a lost connection, a source's failure, and how many events
 * the store ignored as malformed, with the last one's message and a way to dismiss it.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { TrialStore } from '../../client/index.js';
import type { ErrorEvent } from '../../protocol/index.js';

/** Events the store ignored since the last dismissal. */
export interface IgnoredErrors {
  readonly count: number;
  readonly last?: ErrorEvent;
}

/** The banner for `store`'s connection and `errors`; nothing when all is well. */
export function banner(
  store: TrialStore | undefined,
  errors: IgnoredErrors,
  dismiss: () => void,
): TemplateResult | typeof nothing {
  const connection = store?.connection;
  const lost =
    connection &&
    (connection.state === 'reconnecting' ||
      connection.state === 'error' ||
      (connection.state === 'closed' && connection.message));
  // A source's own failure (MLflow unreachable) is not an ignored event, and while the connection
  // line says it already it is not said twice.
  const failed = errors.last?.code === 'source_error';
  const ignored = errors.count > 0 && !(lost && failed);
  if (!lost && !ignored) return nothing;
  const what =
    connection?.state === 'reconnecting'
      ? 'Connection lost — reconnecting…'
      : 'Disconnected from the source.';
  return html`<div class="banner" part="banner" role="alert">
    ${lost ? html`<p><strong>${what}</strong> ${connection.message ?? ''}</p>` : nothing}
    ${
      ignored
        ? html`<p>
          ${failed ? 'The source failed:' : `${errors.count === 1 ? '1 event was' : `${errors.count} events were`} ignored:`}
          ${errors.last?.message}
          <button class="link" @click=${dismiss}>Dismiss</button>
        </p>`
        : nothing
    }
  </div>`;
}
