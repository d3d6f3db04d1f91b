import { css } from 'lit';
import { analysisStyles } from '../analysis/analysis.styles.js';
import { srOnlyStyles, themeTokens } from '../internal/theme.js';

export const parallelCoordsStyles = [
  themeTokens,
  srOnlyStyles,
  analysisStyles,
  css`
    :host {
      --_pc-height: var(--trialkit-parallel-coords-height, 320px);
    }
    .scroller {
      overflow-x: auto;
      overflow-y: hidden;
    }
    .plot {
      position: relative;
      height: var(--_pc-height);
    }
    canvas {
      position: absolute;
      left: 0;
      top: 0;
    }
    .overlay {
      cursor: crosshair;
    }
    .header {
      position: absolute;
      top: 0;
      display: flex;
      flex-direction: column;
      align-items: center;
      font-size: 0.85em;
      white-space: nowrap;
    }
    .header .row {
      display: flex;
      align-items: center;
      gap: 2px;
      min-height: 1.4em;
    }
    .header .name {
      max-width: calc(100% - 6px);
      overflow: hidden;
      text-overflow: ellipsis;
      font-weight: 600;
    }
    .header .scale {
      color: var(--_muted);
      font-size: 0.85em;
    }
    .header button {
      border: none;
      background: none;
      color: var(--_muted);
      cursor: pointer;
      padding: 0 3px;
      font: inherit;
      line-height: 1.4;
      border-radius: 3px;
    }
    .header button:disabled {
      visibility: hidden;
    }
    .header button:hover {
      color: var(--_fg);
      background: var(--_surface);
    }
    .tick {
      position: absolute;
      font-size: 0.75em;
      color: var(--_muted);
      transform: translateY(-50%);
      white-space: nowrap;
      pointer-events: none;
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .axis {
      position: absolute;
      width: 20px;
      cursor: ns-resize;
      touch-action: none;
      border-radius: 3px;
    }
    .axis:focus-visible,
    .header button:focus-visible {
      outline: 2px solid var(--_focus);
      outline-offset: 1px;
    }
    .missing {
      position: absolute;
      left: 2px;
      font-size: 0.75em;
      color: var(--_muted);
      transform: translateY(-50%);
    }
    button.clear {
      font: inherit;
      font-size: 0.9em;
      color: var(--_accent);
      background: none;
      border: none;
      cursor: pointer;
      padding: 0 4px;
    }
  `,
];
