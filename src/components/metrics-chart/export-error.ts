/** Raised when a chart has nothing drawn to export (no data yet, or not laid out). */
export class ChartExportError extends Error {
  override name = 'ChartExportError';
}
