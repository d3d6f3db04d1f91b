/**
 * The chart header's export buttons: PNG, SVG and CSV of what one chart shows, saved as a download
 * named after the metric. Plain buttons, so they are reached with Tab and pressed with Enter or Space.
 * An export the chart refuses (nothing drawn yet, its code could not be loaded) is said beside them.
 */
import { html, type TemplateResult } from 'lit';
import type { MetricsChart } from '../metrics-chart/metrics-chart.js';

/** The formats a chart exports, with their file type. */
const FORMATS = {
  png: 'image/png',
  svg: 'image/svg+xml',
  csv: 'text/csv',
} as const;
type Format = keyof typeof FORMATS;

/** The export buttons of the chart for `metric`, and where a failure is said (in the chart's `<figcaption>`). */
export function exportButtons(metric: string): TemplateResult {
  const names = Object.keys(FORMATS) as Format[];
  return html`<div class="export" part="chart-export" role="group" aria-label=${`Export ${metric}`}>
    ${names.map(
      (format) =>
        html`<button
          type="button"
          title=${`Save ${metric} as ${format.toUpperCase()}`}
          aria-label=${`Save ${metric} as ${format.toUpperCase()}`}
          @click=${(event: Event) => void save(event.currentTarget as HTMLElement, format, metric)}
        >${format.toUpperCase()}</button>`,
    )}
  </div><output></output>`;
}

async function save(button: HTMLElement, format: Format, metric: string): Promise<void> {
  const chart = button.closest('figure')?.querySelector('trial-metrics-chart');
  const status = button.closest('figcaption')?.querySelector('output');
  if (!chart || !status) return;
  const blob = await exportBlob(chart, format).catch((err: Error) => {
    status.value = `Could not save ${format.toUpperCase()}: ${err.message}`;
  });
  if (!blob) return;
  status.value = '';
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `${fileName(metric)}.${format}`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** The chart's export in `format` as a file body. */
export async function exportBlob(chart: MetricsChart, format: Format): Promise<Blob> {
  if (format === 'png') return chart.toPNG();
  const text = await (format === 'svg' ? chart.toSVG() : chart.toCSV());
  return new Blob([text], { type: `${FORMATS[format]};charset=utf-8` });
}

/** A metric key as a file name: path separators and other awkward characters become `_`. */
function fileName(metric: string): string {
  return (
    metric
      .replace(/[^\w.-]+/g, '_')
      .replace(/^\.+/, '_')
      .slice(0, 100) || 'chart'
  );
}
