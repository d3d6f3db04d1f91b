/**
 * Styles of the dashboard's side-by-side comparison of selected trials: the table, its swatches
 * and difference marks, and the tags, star and notes controls in it.
 */
import { css } from 'lit';

export const compareStyles = css`
    .compare {
      overflow-x: auto;
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
    }
    .compare table {
      border-collapse: collapse;
      width: 100%;
    }
    .compare caption {
      text-align: left;
      padding: 8px 10px;
      color: var(--_muted);
    }
    .compare th,
    .compare td {
      text-align: left;
      padding: 4px 10px;
      border-top: 1px solid var(--_border);
      white-space: nowrap;
    }
    .compare thead th {
      background: var(--_surface);
    }
    .compare tr.differs {
      background: var(--_selection);
    }
    .compare tr.differs th {
      box-shadow: inset 3px 0 0 var(--_accent);
    }
    .swatch {
      display: inline-block;
      width: 10px;
      height: 10px;
      border-radius: 2px;
      margin-right: 6px;
    }
    .diff-mark {
      color: var(--_accent);
      font-weight: 700;
    }
    .compare .tags {
      display: inline-flex;
      flex-wrap: wrap;
      gap: 4px;
    }
    .compare .tag {
      display: inline-flex;
      align-items: center;
      border: 1px solid var(--_border);
      border-radius: 999px;
      padding-inline-start: 6px;
      font-size: 0.9em;
    }
    .compare .star,
    .compare .tag-add,
    .compare .tag-remove {
      font: inherit;
      color: var(--_fg);
      background: none;
      border: 1px solid transparent;
      border-radius: 4px;
      padding: 0 4px;
      cursor: pointer;
    }
    .compare .star[aria-pressed='true'] {
      color: var(--trialkit-star, #b7791f);
    }
    .compare [aria-disabled='true'] {
      cursor: not-allowed;
      opacity: 0.55;
    }
`;
