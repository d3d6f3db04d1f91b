import { css } from 'lit';
import { srOnlyStyles, themeTokens } from '../internal/theme.js';

export const runListStyles = [
  themeTokens,
  srOnlyStyles,
  css`
    :host {
      --_item-height: var(--trialkit-run-list-item-height, 54px);
      /* A definite height by default: without one the list would grow to every study and defeat virtualization. */
      display: flex;
      flex-direction: column;
      height: var(--trialkit-run-list-height, 100%);
      max-height: var(--trialkit-run-list-max-height, 100vh);
      min-height: 0;
      background: var(--_surface);
      color: var(--_fg);
    }
    .list {
      position: relative;
      flex: 1;
      min-height: 0;
      overflow: auto;
      overscroll-behavior: contain;
    }
    .list:focus-visible,
    .item:focus-visible {
      outline: 2px solid var(--_focus);
      outline-offset: -2px;
    }
    .body {
      position: relative;
    }
    .item {
      position: absolute;
      top: 0;
      left: 0;
      right: 0;
      height: var(--_item-height);
      box-sizing: border-box;
      padding: 7px 12px;
      display: grid;
      grid-template-rows: 1fr 1fr;
      align-items: center;
      border-bottom: 1px solid var(--_grid);
      cursor: pointer;
      contain: layout style;
    }
    .item:hover {
      background: color-mix(in srgb, var(--_selection) 50%, transparent);
    }
    .item[aria-selected='true'] {
      background: var(--_selection);
      box-shadow: inset 3px 0 0 var(--_accent);
    }
    .line {
      display: flex;
      align-items: center;
      gap: 6px;
      min-width: 0;
      white-space: nowrap;
    }
    .name {
      font-weight: 600;
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .meta {
      color: var(--_muted);
      font-size: 0.92em;
      gap: 10px;
      font-variant-numeric: tabular-nums;
    }
    .when {
      margin-inline-start: auto;
      flex: none;
      color: var(--_muted);
      font-size: 0.88em;
      font-weight: normal;
      font-variant-numeric: tabular-nums;
    }
    .best {
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .status-icon {
      flex: none;
    }
    svg[data-status='running'] {
      color: var(--_status-running);
    }
    svg[data-status='completed'] {
      color: var(--_status-succeeded);
    }
    svg[data-status='failed'] {
      color: var(--_status-failed);
    }
    svg[data-status='paused'] {
      color: var(--_status-pending);
    }
    .empty {
      margin: 0;
      padding: 24px 12px;
      color: var(--_muted);
      text-align: center;
    }
    .probe {
      position: absolute;
      visibility: hidden;
      height: var(--_item-height);
      width: 1px;
    }
  `,
];
