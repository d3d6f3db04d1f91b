/** Styles of the header's presence area (see `presence.ts`). */
import { css } from 'lit';

export const presenceStyles = css`
  .presence {
    position: relative;
    display: inline-flex;
    align-items: center;
    gap: 6px;
    margin-left: auto;
    font-size: 0.85em;
    color: var(--_muted);
    border-radius: 999px;
  }
  .presence + .copy-link,
  .presence + .sr-only + .copy-link {
    margin-left: 0;
  }
  .presence:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  .viewers {
    display: flex;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .viewer {
    display: inline-grid;
    place-items: center;
    width: var(--trialkit-viewer-size, 26px);
    height: var(--trialkit-viewer-size, 26px);
    margin-left: -6px;
    border-radius: 50%;
    border: 2px solid var(--_bg);
    background: var(--_viewer, var(--_surface));
    color: var(--_viewer-ink, var(--_fg));
    font-size: 0.8em;
    font-weight: 600;
    line-height: 1;
  }
  .viewer:first-child {
    margin-left: 0;
  }
  .viewer.more {
    background: var(--_surface);
    color: var(--_fg);
    border-color: var(--_border);
  }
  .anonymous,
  .alone {
    white-space: nowrap;
  }
  .viewer-names {
    display: none;
    position: absolute;
    top: calc(100% + 6px);
    right: 0;
    z-index: 2;
    /* As wide as its names (up to 24em), not as the chips it hangs from: else a word a line. */
    width: max-content;
    max-width: 24em;
    padding: 6px 10px;
    border: 1px solid var(--_border);
    border-radius: 6px;
    background: var(--_bg);
    color: var(--_fg);
    box-shadow: 0 4px 12px rgba(0, 0, 0, 0.15);
    white-space: normal;
  }
  .presence:hover .viewer-names,
  .presence:focus-visible .viewer-names {
    display: block;
  }
  .presence-off {
    border: 1px dashed var(--_border);
    padding: 1px 8px;
  }
`;
