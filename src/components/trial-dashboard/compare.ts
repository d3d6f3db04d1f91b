/**
 * The side-by-side comparison of selected trials: one row per hyperparameter (and the flags, and
 * the registered models), one column per trial, each row marked when the trials do not all agree.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { TrialStore } from '../../client/index.js';
import type { ParamValue, Trial } from '../../protocol/index.js';
import { ownValue } from '../../protocol/own.js';
import { formatNumber, trialLabel } from '../internal/format.js';
import type { EditAccess, EditHandler } from '../internal/team-controls.js';
import { trialStyle } from '../internal/theme.js';
import type { CompareKit } from './compare-kit.js';

/** Adopted by the dashboard when this module loads (see `lazy-part.ts`). */
export { compareStyles as styles } from './compare.styles.js';

/** The star and tag controls of the compare view: who may edit, where edits go, which tag input is open. */
export interface CompareEdits {
  readonly access: EditAccess;
  readonly onEdit: EditHandler;
  readonly addingTagTo?: string;
  setAddingTag(trialId: string | undefined): void;
}

export interface CompareRow {
  /** The hyperparameter name, or `flags`. */
  readonly name: string;
  /** One cell per trial, in the trials' order; undefined where a trial lacks the parameter. */
  readonly values: readonly (ParamValue | undefined)[];
  /** True when not every trial has the same value (a missing value differs from any value). */
  readonly differs: boolean;
}

/** Rows for the given trials: parameters in name order, then a `flags` row when any trial has one. */
export function compareTrials(trials: readonly Trial[]): CompareRow[] {
  const names = [...new Set(trials.flatMap((trial) => Object.keys(trial.params)))].sort();
  const rows = names.map((name) =>
    row(
      name,
      trials.map((trial) => ownValue(trial.params, name)),
    ),
  );
  if (trials.some((trial) => trial.flags.length)) {
    rows.push(
      row(
        'flags',
        trials.map((trial) => [...trial.flags].sort().join(', ') || undefined),
      ),
    );
  }
  return rows;
}

function row(name: string, values: (ParamValue | undefined)[]): CompareRow {
  return { name, values, differs: values.some((value) => !Object.is(value, values[0])) };
}

/** A parameter value as shown in a cell: numbers (and text that spells one) compactly, missing ones as an en dash. */
export function formatParam(value: ParamValue | undefined, { paramNumber }: CompareKit): string {
  if (value === undefined) return '–';
  const number = paramNumber(value);
  return number === undefined ? String(value) : formatNumber(number);
}

/**
 * The comparison as a table: a column per trial, with the swatch of its curve, and the differing
 * rows marked; a Models row, its versions linked to `mlflowUiUrl`, when some trial has models.
 */
export function compareTable(
  trials: readonly Trial[],
  kit: CompareKit,
  mlflowUiUrl?: string,
  edits?: CompareEdits,
): TemplateResult {
  const rows = compareTrials(trials);
  return html`<section class="compare" part="compare" aria-label="Compare trials">
    <table>
      <caption>Hyperparameters of the compared trials; rows that differ are marked.</caption>
      <thead>
        <tr>
          <th scope="col">Parameter</th>
          ${trials.map(
            (trial, i) =>
              html`<th scope="col">
                <span class="swatch" style="background:${trialStyle(i).color}"></span>${trialLabel(trial)}
                <span class="muted">${trial.status}</span>
              </th>`,
          )}
        </tr>
      </thead>
      <tbody>
        ${rows.map((row) =>
          rowTemplate(
            row.name,
            row.differs,
            row.values.map((value) => html`<td class="mono">${formatParam(value, kit)}</td>`),
          ),
        )}
        ${modelsRow(trials, kit, mlflowUiUrl)}
        ${edits ? teamRows(trials, kit, edits) : nothing}
      </tbody>
    </table>
  </section>`;
}

/** The trials' registered model versions, one cell each; nothing when no trial has one. */
function modelsRow(
  trials: readonly Trial[],
  { modelVersionChips }: CompareKit,
  mlflowUiUrl: string | undefined,
): TemplateResult | typeof nothing {
  if (!trials.some((trial) => trial.models?.length)) return nothing;
  const { differs } = row(
    'models',
    trials.map((trial) => JSON.stringify(trial.models ?? [])),
  );
  const cells = trials.map((trial) => html`<td>${modelVersionChips(trial.models, mlflowUiUrl)}</td>`);
  return rowTemplate('Models', differs, cells);
}

/** A Star row and a Tags row, editable like the table's. */
function teamRows(
  trials: readonly Trial[],
  { starToggle, tagChips }: CompareKit,
  edits: CompareEdits,
): TemplateResult {
  const starred = row(
    'starred',
    trials.map((trial) => String(trial.starred === true)),
  ).differs;
  const tags = row(
    'tags',
    trials.map((trial) => JSON.stringify(Object.entries(trial.tags).sort())),
  ).differs;
  return html`${rowTemplate(
    'Star',
    starred,
    trials.map((trial) => html`<td>${starToggle(trial, edits.access, edits.onEdit)}</td>`),
  )}${rowTemplate(
    'Tags',
    tags,
    trials.map(
      (trial) =>
        html`<td>${tagChips(trial, edits.access, edits.onEdit, {
          tabbable: true,
          adding: edits.addingTagTo === trial.id,
          startAdding: () => edits.setAddingTag(trial.id),
          stopAdding: () => edits.setAddingTag(undefined),
        })}</td>`,
    ),
  )}`;
}

/** A row of the table: its name, marked when the trials differ, then one cell per trial. */
function rowTemplate(name: string, differs: boolean, cells: readonly TemplateResult[]): TemplateResult {
  return html`<tr class=${differs ? 'differs' : ''}>
    <th scope="row">
      ${name}${differs ? html` <span class="diff-mark" aria-hidden="true">≠</span><span class="sr-only">(differs)</span>` : nothing}
    </th>
    ${cells}
  </tr>`;
}

/** The comparison of the `selected` trials still in the store. */
export function compareSelected(
  store: TrialStore,
  selected: readonly string[],
  kit: CompareKit,
  mlflowUiUrl?: string,
  edits?: CompareEdits,
): TemplateResult {
  // In trial-number order, as the charts draw them, so the swatches match the curves' colours.
  const trials = selected
    .map((id) => store.getTrial(id))
    .filter((trial): trial is Trial => !!trial)
    .sort((a, b) => a.number - b.number);
  return compareTable(trials, kit, mlflowUiUrl, edits);
}
