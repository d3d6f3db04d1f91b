/**
 * Styles of `<trial-dashboard>`. Layout follows the element's own width (a container query), not
 * the viewport's, so a dashboard in a narrow panel of a wide page also gets the one-column layout.
 */
import { css } from 'lit';
import { modelVersionStyles } from '../internal/model-versions.js';
import { srOnlyStyles, themeTokens } from '../internal/theme.js';
import { curvesStyles } from './curves.styles.js';
import { skeletonStyles } from './skeleton.styles.js';

export const dashboardStyles = [
  themeTokens,
  srOnlyStyles,
  modelVersionStyles,
  css`
    :host {
      --_sidebar-width: var(--trialkit-dashboard-sidebar-width, 300px);
      --_chart-height: var(--trialkit-dashboard-chart-height, 240px);
      --_table-height: var(--trialkit-dashboard-table-height, 480px);
      display: block;
      container: dashboard / inline-size;
      background: var(--_bg);
      line-height: 1.4;
    }
    [hidden] {
      display: none !important;
    }
    * {
      box-sizing: border-box;
    }

    .layout {
      display: grid;
      grid-template-columns: minmax(0, 1fr);
    }
    .sidebar {
      border-bottom: 1px solid var(--_border);
      background: var(--_surface);
      height: 220px;
    }
    /* Children keep their own display (flex): their virtualized lists need it to stay bounded. */
    trial-run-list {
      height: 100%;
      max-height: none;
    }
    .main {
      container: main / inline-size;
      display: flex;
      flex-direction: column;
      gap: 12px;
      padding: 12px;
      min-width: 0;
    }
    @container dashboard (min-width: 860px) {
      .layout {
        grid-template-columns: var(--_sidebar-width) minmax(0, 1fr);
      }
      .sidebar {
        border-bottom: none;
        border-right: 1px solid var(--_border);
        position: sticky;
        top: 0;
        height: 100vh;
      }
      .main {
        padding: 16px 20px;
        gap: 16px;
      }
    }

    h2,
    h3 {
      margin: 0;
      font-weight: 600;
    }
    h2 {
      font-size: 1.35em;
    }
    h3 {
      font-size: 1em;
    }
    .muted {
      color: var(--_muted);
    }
    .small {
      font-size: 0.9em;
    }
    .mono {
      font-family: var(--_mono);
      font-size: 0.95em;
    }

    button {
      font: inherit;
      color: var(--_fg);
      background: var(--_surface);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      padding: 4px 10px;
      min-height: 28px;
      cursor: pointer;
    }
    button:hover:not(:disabled) {
      border-color: var(--_accent);
    }
    /* aria-disabled keeps a button that its own press disables (Clear selection) focused. */
    button:disabled,
    [aria-disabled='true'] {
      opacity: 0.55;
      cursor: default;
    }
    button[aria-pressed='true'] {
      background: var(--_accent);
      border-color: var(--_accent);
      color: var(--_accent-fg);
    }
    button.link {
      border: none;
      background: none;
      padding: 0;
      min-height: 0;
      /* Text colour, not the accent: the accent is under 4.5:1 on the surface colour for small text. */
      color: inherit;
      text-decoration: underline;
      text-decoration-color: var(--_accent);
      text-decoration-thickness: 2px;
      text-underline-offset: 2px;
      /* A name of any length stays on its line. */
      max-width: 100%;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
      vertical-align: bottom;
    }
    :focus-visible {
      outline: 2px solid var(--_focus);
      outline-offset: 2px;
    }

    .banner {
      border: 1px solid var(--_danger);
      border-left-width: 4px;
      border-radius: var(--_radius);
      background: color-mix(in srgb, var(--_danger) 10%, var(--_bg));
      padding: 8px 12px;
    }
    .banner p {
      margin: 0;
    }
    .banner p + p {
      margin-top: 4px;
    }

    .header {
      display: flex;
      flex-direction: column;
      gap: 10px;
    }
    .title {
      display: flex;
      align-items: center;
      gap: 10px;
      flex-wrap: wrap;
    }
    .copy-link {
      margin-left: auto;
      /* The same width for "Copy link" and "Copied": the row does not jump. */
      min-width: 7em;
    }
    .status {
      --_status: var(--_muted);
      border: 1px solid var(--_status);
      color: var(--_status);
      border-radius: 999px;
      padding: 1px 8px;
      font-size: 0.85em;
    }
    .status[data-status='running'] {
      --_status: var(--_status-running);
    }
    .status[data-status='completed'] {
      --_status: var(--_status-succeeded);
    }
    .status[data-status='failed'] {
      --_status: var(--_status-failed);
    }
    .status[data-status='paused'] {
      --_status: var(--_status-pruned);
    }
    /* Flex, not grid: the long search space takes a row of its own only when the others leave no room. */
    .facts {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
      margin: 0;
    }
    .facts > div {
      flex: 1 1 110px;
    }
    .facts > .space {
      flex: 4 1 320px;
    }
    .facts > div {
      background: var(--_surface);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      padding: 8px 10px;
      min-width: 0;
    }
    .facts dt {
      color: var(--_muted);
      font-size: 0.85em;
    }
    .facts dd {
      margin: 2px 0 0;
      overflow-wrap: anywhere;
    }

    .lower {
      display: grid;
      grid-template-columns: minmax(0, 1fr);
      gap: 12px;
    }
    @container main (min-width: 900px) {
      .lower {
        grid-template-columns: minmax(0, 1fr) 260px;
      }
    }
    trial-table {
      height: var(--_table-height);
      min-width: 0;
    }
    .notes {
      display: flex;
      flex-direction: column;
      gap: 8px;
      background: var(--_surface);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      padding: 10px 12px;
      min-width: 0;
    }
    .notes p {
      margin: 0;
    }
    .side {
      display: flex;
      flex-direction: column;
      gap: 12px;
      min-width: 0;
    }

    .empty {
      border: 1px dashed var(--_border);
      border-radius: var(--_radius);
      padding: 32px 16px;
      text-align: center;
    }
    .empty p {
      margin: 0;
    }
    .empty-title {
      font-weight: 600;
      font-size: 1.1em;
      margin-bottom: 4px !important;
    }
  `,
  curvesStyles,
  skeletonStyles,
];
