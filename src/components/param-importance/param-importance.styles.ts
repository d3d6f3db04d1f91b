import { css } from 'lit';

export const paramImportanceStyles = css`
  :host {
    --_bar: var(--trialkit-importance-bar, var(--_accent));
    --_bar-height: var(--trialkit-importance-bar-height, 12px);
  }
  .ranking {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    grid-template-columns: minmax(4em, max-content) minmax(60px, 1fr) 4.5em;
    gap: 4px 8px;
    align-items: center;
    transition: opacity 0.2s;
  }
  .ranking.updating {
    opacity: 0.55;
  }
  .item {
    display: contents;
  }
  .name {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    max-width: 14em;
  }
  .track {
    position: relative;
    height: var(--_bar-height);
  }
  .bar {
    position: absolute;
    left: 0;
    top: 0;
    bottom: 0;
    background: var(--_bar);
    border-radius: 2px;
    min-width: 1px;
  }
  .spread {
    position: absolute;
    top: 50%;
    height: 0;
    border-top: 1px solid var(--_fg);
    opacity: 0.6;
  }
  .value {
    text-align: right;
    font-variant-numeric: tabular-nums;
    color: var(--_muted);
  }
  .method {
    margin: 8px 0 0;
    color: var(--_muted);
    font-size: 0.85em;
  }
  .method summary {
    cursor: pointer;
  }
  .method p {
    margin: 4px 0 0;
    max-width: 60em;
  }
  .status {
    font-style: italic;
  }
`;
