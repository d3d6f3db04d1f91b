import { css } from 'lit';
import { srOnlyStyles, themeTokens } from '../internal/theme.js';

export const trialCommentsStyles = [
  themeTokens,
  srOnlyStyles,
  css`
    :host {
      display: block;
    }
    .comments {
      display: flex;
      flex-direction: column;
      gap: 8px;
      background: var(--_surface);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      padding: 10px 12px;
      min-width: 0;
    }
    .comments h3,
    .comments p {
      margin: 0;
    }
    .thread {
      list-style: none;
      margin: 0;
      padding: 0;
      display: flex;
      flex-direction: column;
      gap: 8px;
      max-height: 320px;
      overflow-y: auto;
    }
    .comment {
      border-inline-start: 3px solid var(--_border);
      padding-inline-start: 8px;
    }
    .comment-head {
      display: flex;
      flex-wrap: wrap;
      align-items: baseline;
      gap: 6px;
      font-size: 0.9em;
    }
    .comment-head time {
      color: var(--_muted);
    }
    .comment-text {
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
    .step-badge {
      border: 1px solid var(--_border);
      border-radius: 999px;
      padding: 0 6px;
      font-size: 0.85em;
      font-variant-numeric: tabular-nums;
    }
    .comment-form {
      display: flex;
      flex-direction: column;
      gap: 6px;
    }
    .comment-form label {
      display: flex;
      flex-direction: column;
      gap: 4px;
      font-size: 0.9em;
    }
    .comments textarea,
    .comments input {
      font: inherit;
      color: var(--_fg);
      background: var(--_bg);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      padding: 4px 6px;
    }
    .comments textarea {
      min-height: 60px;
      resize: vertical;
    }
    .comment-actions {
      display: flex;
      align-items: end;
      gap: 6px;
    }
    .comment-actions .step-field {
      flex-direction: row;
      align-items: center;
    }
    .step-field input {
      width: 7em;
    }
    h3 {
      font-size: 1em;
      font-weight: 600;
    }
    .muted {
      color: var(--_muted);
    }
    .small {
      font-size: 0.9em;
    }
    button {
      font: inherit;
      color: var(--_fg);
      background: var(--_surface);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      padding: 2px 8px;
      min-height: 26px;
      cursor: pointer;
    }
    button:hover:not(:disabled, [aria-disabled='true']) {
      border-color: var(--_accent);
    }
    button:disabled,
    button[aria-disabled='true'],
    textarea:disabled,
    input:disabled {
      opacity: 0.6;
      cursor: not-allowed;
    }
    :focus-visible {
      outline: 2px solid var(--_focus);
      outline-offset: 1px;
    }
  `,
];
