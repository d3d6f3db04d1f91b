/** Styles of `<trial-metrics-chart>`; colours come from the shared theme tokens. */
import { css } from 'lit';

export const metricsChartStyles = css`
  :host {
    --_chart-height: var(--trialkit-chart-height, 320px);
    --_tooltip-bg: var(--trialkit-tooltip-bg, var(--_surface));
    display: block;
    height: var(--_chart-height);
    min-height: 120px;
    background: var(--_bg);
    position: relative;
    box-sizing: border-box;
  }
  :host([hidden]) {
    display: none;
  }
  .base {
    display: flex;
    flex-direction: column;
    height: 100%;
    box-sizing: border-box;
  }
  .plot {
    position: relative;
    flex: 1 1 auto;
    min-height: 0;
    overflow: hidden;
  }
  .figure,
  canvas {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
  }
  .figure:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: -2px;
  }
  /* Others recede while some trials are emphasised: the compositor dims the canvas, nothing is redrawn. */
  .main.dimmed {
    opacity: 0.2;
  }
  .overlay {
    cursor: crosshair;
    touch-action: none;
  }
  .axis {
    position: absolute;
    inset: 0;
    pointer-events: none;
    color: var(--_muted);
    font-size: 0.85em;
    font-variant-numeric: tabular-nums;
    line-height: 1;
  }
  .annotations {
    position: absolute;
    inset: 0;
    pointer-events: none;
  }
  .annotation {
    position: absolute;
    width: 0;
    border-left: 1.5px dashed var(--_mark);
  }
  .annotation-flag {
    position: absolute;
    top: 2px;
    left: 3px;
    max-width: 12em;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    padding: 1px 4px;
    border-radius: 3px;
    border-left: 3px solid var(--_mark);
    background: var(--trialkit-annotation-bg, var(--_bg));
    color: var(--_fg);
    font-size: 0.75em;
    line-height: 1.3;
    opacity: 0.92;
  }
  .axis-title {
    position: absolute;
    top: 4px;
    transform: translateX(-50%);
    color: var(--_muted);
    font-size: 0.85em;
    font-weight: 600;
    pointer-events: none;
    white-space: nowrap;
  }
  .tick {
    position: absolute;
    white-space: nowrap;
  }
  .axis.x .tick {
    transform: translateX(-50%);
  }
  .axis.y .tick {
    transform: translate(-100%, -50%);
    padding-right: 6px;
  }
  .message {
    position: absolute;
    inset: 0;
    display: grid;
    place-items: center;
    color: var(--_muted);
    pointer-events: none;
  }
  /* Legible over curves too (a message beside the picture, such as smoothing's code failing). */
  .message > span {
    max-width: 90%;
    padding: 2px 6px;
    background: var(--_bg);
    text-align: center;
  }
  .legend-box {
    display: flex;
    align-items: flex-start;
    gap: 4px;
    padding-left: 8px;
  }
  .legend-search {
    flex: none;
    width: 9em;
    margin-top: 4px;
    font: inherit;
    font-size: 0.85em;
    color: var(--_fg);
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: 4px;
    padding: 1px 4px;
  }
  .legend-search:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 1px;
  }
  .legend-group {
    display: inline-flex;
    align-items: center;
    gap: 5px;
    padding: 1px 4px;
    font-size: 0.9em;
    color: var(--_fg);
  }
  .legend-more {
    color: var(--_muted);
  }
  .legend-none {
    color: var(--_muted);
    font-size: 0.9em;
  }
  .legend {
    flex: 1 1 auto;
    min-width: 0;
    display: flex;
    flex-wrap: wrap;
    gap: 2px 10px;
    padding: 4px 8px 6px 0;
    max-height: var(--trialkit-chart-legend-height, 5.5em);
    overflow: auto;
    list-style: none;
    margin: 0;
  }
  .legend button {
    all: unset;
    display: inline-flex;
    align-items: center;
    gap: 5px;
    padding: 1px 4px;
    border-radius: 4px;
    cursor: pointer;
    color: var(--_fg);
    font-size: 0.9em;
  }
  .legend li,
  .legend button {
    max-width: 100%;
    box-sizing: border-box;
  }
  .legend button span {
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .legend button:hover,
  .legend button[aria-pressed='true'] {
    background: var(--_selection);
  }
  .legend button:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 1px;
  }
  .legend .id {
    color: var(--_muted);
    max-width: 10em;
  }
  .swatch {
    flex: none;
  }
`;
