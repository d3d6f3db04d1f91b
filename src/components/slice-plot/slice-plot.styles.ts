import { css } from 'lit';

export const slicePlotStyles = css`
  .plot {
    position: relative;
  }
  canvas {
    position: absolute;
    left: 0;
    top: 0;
    cursor: crosshair;
  }
  .panel-title {
    position: absolute;
    font-size: 0.85em;
    font-weight: 600;
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
    pointer-events: none;
  }
  .scale {
    color: var(--_muted);
    font-weight: normal;
    font-size: 0.9em;
  }
`;
