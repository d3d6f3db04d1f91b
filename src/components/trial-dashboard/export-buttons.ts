/**
 * The chart header's export buttons: PNG, SVG and CSV of what one chart shows, saved as a download
 * named after the metric (`chart-save.ts`, loaded at the first click). Plain buttons, so they are
 * reached with Tab and pressed with Enter or Space. A failed save is said on the `<output>` beside them.
 */
import { html, type TemplateResult } from 'lit';
import type { Format } from './chart-save.js';

const FORMATS: Format[] = ['png', 'svg', 'csv'];

/** The export buttons of the chart for `metric`, and where a failure is said (in the chart's `<figcaption>`). */
export function exportButtons(metric: string): TemplateResult {
  return html`<div class="export" part="chart-export" role="group" aria-label=${`Export ${metric}`}>
    ${FORMATS.map(
      (format) =>
        html`<button
          type="button"
          title=${`Save ${metric} as ${format.toUpperCase()}`}
          aria-label=${`Save ${metric} as ${format.toUpperCase()}`}
          @click=${(event: Event) => {
            const figure = (event.currentTarget as HTMLElement).closest('figure')!;
            const status = figure.querySelector('output')!;
            // A save that fails (nothing drawn yet, code that could not be loaded) says why.
            import('./chart-save.js')
              .then(({ save }) => save(figure.querySelector('trial-metrics-chart')!, format, metric))
              .then(
                () => (status.value = ''),
                (err: Error) => (status.value = `Could not save ${format.toUpperCase()}: ${err.message}`),
              );
          }}
        >${format.toUpperCase()}</button>`,
    )}
  </div><output></output>`;
}
