/**
 * Styles of the dashboard's Curves tab: the metric and x-axis pickers, grouping and smoothing,
 * and the chart figures with their export buttons.
 */
import { css } from 'lit';

export const curvesStyles = css`
    .toolbar {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      justify-content: space-between;
      gap: 8px 16px;
    }
    .picker {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 6px;
      border: none;
      margin: 0;
      padding: 0;
      min-width: 0;
    }
    .picker legend {
      float: left;
      margin-right: 4px;
      color: var(--_muted);
    }
    .chip {
      display: inline-flex;
      align-items: center;
      gap: 4px;
      border: 1px solid var(--_border);
      border-radius: 999px;
      padding: 2px 10px 2px 6px;
      cursor: pointer;
      font-family: var(--_mono);
      font-size: 0.92em;
    }
    .chip:has(input:checked) {
      border-color: var(--_accent);
      background: var(--_selection);
    }
    .chip input {
      margin: 0;
      accent-color: var(--_accent);
    }
    .actions {
      display: flex;
      gap: 8px;
    }
    .smoothing,
    .grouping {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 6px 8px;
    }
    .x-axis,
    .smoothing label,
    .grouping label {
      display: inline-flex;
      align-items: center;
      gap: 6px;
      color: var(--_muted);
    }
    .smoothing input {
      width: 7em;
      accent-color: var(--_accent);
    }
    .x-axis select,
    .smoothing select,
    .grouping select {
      font: inherit;
      color: var(--_fg);
      background: var(--_surface);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      padding: 2px 4px;
    }
    .smoothing output {
      min-width: 2.5em;
      font-family: var(--_mono);
      color: var(--_fg);
    }

    .charts {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(min(100%, 360px), 1fr));
      gap: 12px;
    }
    .chart {
      margin: 0;
      background: var(--_surface);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      padding: 8px;
      min-width: 0;
    }
    .chart figcaption {
      display: flex;
      align-items: center;
      justify-content: space-between;
      flex-wrap: wrap;
      gap: 8px;
      font-family: var(--_mono);
      font-weight: 600;
      margin: 0 0 4px 4px;
    }
    /* An export's failure: a line of its own under the caption. */
    .chart output {
      flex-basis: 100%;
    }
    .chart output:empty {
      display: none;
    }
    .chart figcaption > span {
      overflow-wrap: anywhere;
      min-width: 0;
    }
    .export {
      display: flex;
      gap: 4px;
      flex: none;
    }
    .chart output,
    .export button {
      font: inherit;
      font-weight: 400;
      font-size: 0.8em;
      padding: 1px 6px;
    }
    trial-metrics-chart {
      height: var(--_chart-height);
    }
    /* The figure's caption names the metric already. */
    trial-metrics-chart::part(axis-title) {
      display: none;
    }
`;
