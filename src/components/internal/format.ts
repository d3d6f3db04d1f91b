/**
 * How every trialkit component spells numbers, durations and times: the chart's tooltip, the
 * table's cells, the run list and the dashboard's header and compare panel read the same value the
 * same way. Formatters are built once: constructing them is slow.
 */

// Five significant digits, as the table and the tooltip always showed (a loss of 0.052643 keeps its last digit).
const significant = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 5, useGrouping: false });
const exponent = new Intl.NumberFormat('en-US', { notation: 'scientific', maximumSignificantDigits: 4 });
const when = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** Below this magnitude, and at or above `LARGE`, numbers are written with an exponent. */
const SMALL = 1e-4;
const LARGE = 1e9;

/**
 * A metric or parameter number: integers as they are, others in five significant digits, with an
 * exponent (four digits) when very small or large (`1.235E-7`); `NaN`, `Infinity` and `-Infinity` spelled out;
 * undefined as an empty string.
 */
export function formatNumber(value: number | undefined): string {
  if (value === undefined) return '';
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (Number.isInteger(value) && magnitude < LARGE) return String(value);
  if (magnitude !== 0 && (magnitude < SMALL || magnitude >= LARGE)) return exponent.format(value);
  return significant.format(value);
}

/** Seconds as `1h 02m`, `3m 04s` or `12.3s`. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined) return '';
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** An epoch-milliseconds time as a short local date and time. */
export function formatTime(ms: number | undefined): string {
  return ms === undefined ? '' : when.format(ms);
}

/** A trial as people know it: its name (an MLflow run name, say), else `#<number>`. */
export function trialLabel(trial: { readonly name?: string; readonly number: number }): string {
  return trial.name || `#${trial.number}`;
}
