/**
 * A trial's registered model versions as chips, each a link to its page in the MLflow UI: one
 * template for the trial table's Models column and the compare view's Models row.
 */
import { css, html, type TemplateResult } from 'lit';
import type { RegisteredModelVersion } from '../../protocol/index.js';

/** `name v3 (champion, canary)`: how a version reads in a cell, a sort key or a CSV file. */
export function modelVersionLabel(model: RegisteredModelVersion): string {
  return `${model.name} v${model.version}${model.aliases.length ? ` (${model.aliases.join(', ')})` : ''}`;
}

/** Every version's label, comma-separated, or undefined when there are none. */
export function modelVersionsText(models: readonly RegisteredModelVersion[] | undefined): string | undefined {
  return models?.length ? models.map(modelVersionLabel).join(', ') : undefined;
}

/** `{base}/#/models/{name}/versions/{version}`, both encoded, or undefined without a base. */
export function modelVersionUrl(model: RegisteredModelVersion, base: string | undefined): string | undefined {
  if (!base) return undefined;
  return `${base.replace(/\/+$/, '')}/#/models/${encodeURIComponent(model.name)}/versions/${encodeURIComponent(model.version)}`;
}

/**
 * One chip per version: a link when the MLflow UI's base URL is known, else plain text. Links
 * are focusable only when `tabbable` (a grid cell hands its tab stop to them when it is active).
 */
export function modelVersionChips(
  models: readonly RegisteredModelVersion[] | undefined,
  base: string | undefined,
  tabbable = true,
): TemplateResult[] {
  return (models ?? []).map((model) => {
    const label = modelVersionLabel(model);
    const url = modelVersionUrl(model, base);
    return url
      ? html`<a
          part="model-link"
          class="model"
          href=${url}
          target="_blank"
          rel="noopener noreferrer"
          tabindex=${tabbable ? 0 : -1}
          >${label}</a
        >`
      : html`<span part="model" class="model">${label}</span>`;
  });
}

/** The chips' look; both hosts include it. */
export const modelVersionStyles = css`
  .model {
    display: inline-block;
    line-height: 1.4;
    margin-inline-end: 4px;
    border: 1px solid var(--_border);
    border-radius: 4px;
    padding: 0 6px;
    font-size: 0.9em;
    white-space: nowrap;
    color: var(--_fg);
    background: var(--_surface);
  }
`;
