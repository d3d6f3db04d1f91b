/**
 * Saving a chart's export as a download named after its metric, loaded at the first click on an
 * export button: most visits never export.
 */
import type { MetricsChart } from '../metrics-chart/metrics-chart.js';

/** The formats a chart exports, with their file type. */
const FORMATS = {
  png: 'image/png',
  svg: 'image/svg+xml',
  csv: 'text/csv',
} as const;
export type Format = keyof typeof FORMATS;

/** Saves `chart`'s export in `format`; rejects as the chart does (nothing drawn yet, say). */
export async function save(chart: MetricsChart, format: Format, metric: string): Promise<void> {
  const blob = await exportBlob(chart, format);
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
