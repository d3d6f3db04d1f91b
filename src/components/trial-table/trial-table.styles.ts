import { css } from 'lit';
import { modelVersionStyles } from '../internal/model-versions.js';
import { srOnlyStyles, themeTokens } from '../internal/theme.js';

export const trialTableStyles = [
  themeTokens,
  srOnlyStyles,
  modelVersionStyles,
  css`
    :host {
      /* A definite height by default: without one the grid would grow to every row and defeat virtualization. */
      display: flex;
      flex-direction: column;
      height: var(--trialkit-table-height, 28rem);
      min-height: 0;
      background: var(--_bg);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      overflow: hidden;
      box-sizing: border-box;
    }
    [hidden] {
      display: none !important;
    }
    .toolbar {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 6px 8px;
      padding: 8px 10px;
      border-bottom: 1px solid var(--_border);
      background: var(--_surface);
    }
    input[type='search'] {
      font: inherit;
      color: var(--_fg);
      background: var(--_bg);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      padding: 4px 8px;
      min-width: 10rem;
    }
    .chips {
      display: flex;
      flex-wrap: wrap;
      gap: 4px;
    }
    button,
    summary {
      font: inherit;
      color: var(--_fg);
      background: var(--_bg);
      border: 1px solid var(--_border);
      border-radius: 999px;
      padding: 2px 8px;
      cursor: pointer;
      display: inline-flex;
      align-items: center;
      gap: 4px;
      line-height: 1.5;
    }
    button[aria-pressed='true'] {
      background: var(--_selection);
      border-color: var(--_accent);
    }
    .action {
      border-radius: var(--_radius);
    }
    :focus-visible {
      outline: 2px solid var(--_focus);
      outline-offset: -2px;
    }
    .count {
      color: var(--_muted);
      margin-inline-start: auto;
      font-variant-numeric: tabular-nums;
    }
    .chooser {
      position: relative;
    }
    .chooser summary {
      list-style: none;
      border-radius: var(--_radius);
    }
    .chooser summary::-webkit-details-marker {
      display: none;
    }
    .chooser .menu {
      position: absolute;
      right: 0;
      top: calc(100% + 4px);
      z-index: 3;
      max-height: 18rem;
      overflow: auto;
      min-width: 12rem;
      padding: 6px;
      background: var(--_bg);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      box-shadow: 0 6px 24px rgb(0 0 0 / 0.18);
    }
    .filters .menu {
      left: 0;
      right: auto;
    }
    .active-filter {
      border-color: var(--_accent);
      background: var(--_selection);
    }
    .chooser label {
      display: flex;
      gap: 6px;
      padding: 3px 4px;
      white-space: nowrap;
      cursor: pointer;
    }
    .grid {
      position: relative;
      flex: 1;
      min-height: 0;
      overflow: auto;
      overscroll-behavior: contain;
      background: var(--_bg);
    }
    .head {
      position: sticky;
      top: 0;
      z-index: 2;
      width: max(100%, var(--_width));
    }
    .body {
      position: relative;
      width: max(100%, var(--_width));
    }
    .row {
      display: grid;
      grid-template-columns: var(--_cols);
      height: var(--_row-height);
      box-sizing: border-box;
      width: max(100%, var(--_width));
      border-bottom: 1px solid var(--_grid);
    }
    .body .row {
      position: absolute;
      top: 0;
      left: 0;
      cursor: default;
      /* Size, layout and paint of a row never depend on its neighbours: entering rows are laid out alone. */
      contain: strict;
    }
    .body .row:hover {
      background: color-mix(in srgb, var(--_selection) 50%, transparent);
    }
    .body .row[aria-selected='true'] {
      background: var(--_selection);
      box-shadow: inset 3px 0 0 var(--_accent);
    }
    .head .row {
      background: var(--_surface);
      border-bottom: 1px solid var(--_border);
      font-weight: 600;
    }
    [role='columnheader'],
    [role='gridcell'] {
      padding: 0 8px;
      min-width: 0;
      overflow: hidden;
      white-space: nowrap;
      text-overflow: ellipsis;
    }
    [role='columnheader'] {
      display: flex;
      align-items: center;
      gap: 5px;
    }
    /* Cells are plain blocks with a row-high line box: entering rows are laid out on every
       scroll frame, and block layout is cheaper than flex. */
    [role='gridcell'] {
      line-height: calc(var(--_row-height) - 1px);
    }
    [role='gridcell'] .status-icon {
      vertical-align: -2px;
      margin-inline-end: 6px;
    }
    [role='columnheader'] {
      cursor: pointer;
      user-select: none;
    }
    [role='columnheader'] .label,
    .text,
    .models {
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .num {
      justify-content: flex-end;
      text-align: right;
      font-variant-numeric: tabular-nums;
      font-family: var(--_mono);
    }
    [role='columnheader'].num {
      font-family: var(--_font);
    }
    .sort {
      color: var(--_accent);
      font-size: 0.85em;
    }
    .muted {
      color: var(--_muted);
    }
    .status-icon {
      flex: none;
    }
    svg[data-status='running'] {
      color: var(--_status-running);
    }
    svg[data-status='succeeded'] {
      color: var(--_status-succeeded);
    }
    svg[data-status='failed'] {
      color: var(--_status-failed);
    }
    svg[data-status='pruned'] {
      color: var(--_status-pruned);
    }
    svg[data-status='cancelled'] {
      color: var(--_status-cancelled);
    }
    svg[data-status='pending'] {
      color: var(--_status-pending);
    }
    .flag {
      display: inline-block;
      line-height: 1.4;
      margin-inline-end: 4px;
      border: 1px solid var(--_border);
      border-radius: 999px;
      padding: 0 6px;
      font-size: 0.9em;
      color: var(--_fg);
      background: var(--_surface);
    }
    .star,
    .tag-add,
    .tag-remove {
      font: inherit;
      color: var(--_fg);
      background: none;
      border: 1px solid transparent;
      border-radius: 4px;
      padding: 0 4px;
      line-height: 1.3;
      cursor: pointer;
    }
    .star {
      font-size: 1.15em;
    }
    .star[aria-pressed='true'] {
      color: var(--trialkit-star, #b7791f);
    }
    .star:hover:not([aria-disabled]),
    .tag-add:hover:not([aria-disabled]),
    .tag-remove:hover:not([aria-disabled]) {
      border-color: var(--_border);
    }
    [aria-disabled='true'] {
      cursor: not-allowed;
      opacity: 0.55;
    }
    .tags {
      display: inline-flex;
      align-items: center;
      gap: 4px;
      min-width: 0;
      overflow: hidden;
    }
    .tag {
      display: inline-flex;
      align-items: center;
      max-width: 12em;
      border: 1px solid var(--_border);
      border-radius: 999px;
      padding-inline-start: 6px;
      font-size: 0.9em;
      background: var(--_surface);
    }
    .tag-text {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .tag-input {
      font: inherit;
      width: 9em;
      color: var(--_fg);
      background: var(--_bg);
      border: 1px solid var(--_accent);
      border-radius: 4px;
      padding: 0 4px;
    }
    .comments-cell {
      display: inline-flex;
      gap: 6px;
      min-width: 0;
      overflow: hidden;
    }
    .comment-count {
      flex: none;
      min-width: 1.4em;
      text-align: center;
      border-radius: 999px;
      padding: 0 5px;
      font-size: 0.9em;
      font-variant-numeric: tabular-nums;
      color: var(--_accent-fg);
      background: var(--_accent);
    }
    a {
      /* The text colour keeps full contrast on every row background; the underline carries the accent. */
      color: inherit;
      text-decoration-color: var(--_accent);
      text-underline-offset: 2px;
    }
    .trial-link {
      float: left;
      margin-top: calc((var(--_row-height) - 22px) / 2);
      width: 22px;
      height: 20px;
      padding: 0;
      border: 1px solid transparent;
      border-radius: 4px;
      background: none;
      color: var(--_muted);
      cursor: pointer;
      line-height: 0;
    }
    .trial-link:hover,
    .trial-link:focus-visible {
      border-color: var(--_border);
      color: var(--_accent);
    }
    .trial-link svg {
      fill: none;
      stroke: currentColor;
      stroke-width: 1.6;
      stroke-linecap: round;
    }
    .empty {
      margin: 0;
      padding: 24px;
      text-align: center;
      color: var(--_muted);
    }
    .probe {
      position: absolute;
      visibility: hidden;
      height: var(--_row-height);
      width: 1px;
    }
  `,
];
