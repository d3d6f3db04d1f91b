import { css } from 'lit';

export const historyStyles = css`
  .plot {
    position: relative;
    height: var(--trialkit-history-height, 260px);
  }
  canvas {
    position: absolute;
    left: 0;
    top: 0;
    cursor: crosshair;
  }
`;
