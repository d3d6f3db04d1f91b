/** Styles every analysis view shares: the summary line, the "left out" notes and the canvas area. */
import { css } from 'lit';

export const analysisStyles = css`
  :host {
    display: block;
    position: relative;
    min-width: 0;
  }
  .summary {
    margin: 0 0 6px;
    color: var(--_muted);
    font-size: 0.9em;
  }
  .notes {
    margin: 6px 0 0;
    color: var(--_muted);
    font-size: 0.85em;
  }
  .notes ul {
    margin: 4px 0 0;
    padding-left: 1.2em;
  }
  .empty {
    padding: 24px;
    text-align: center;
    color: var(--_muted);
    border: 1px dashed var(--_border);
    border-radius: var(--_radius);
  }
  canvas {
    display: block;
  }
  .tooltip {
    position: absolute;
    pointer-events: none;
    background: var(--_surface);
    color: var(--_fg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 4px 8px;
    font-size: 0.85em;
    white-space: nowrap;
    z-index: 2;
  }
  .legend {
    display: inline-flex;
    align-items: center;
    gap: 6px;
  }
  .ramp {
    display: inline-block;
    width: 80px;
    height: 8px;
    border-radius: 4px;
  }
`;
