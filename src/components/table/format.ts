/** Display formatting for table and list cells. Formatters are built once: constructing them is slow. */

const significant = new Intl.NumberFormat(undefined, { maximumSignificantDigits: 5 });
const scientific = new Intl.NumberFormat(undefined, { notation: 'scientific', maximumSignificantDigits: 3 });
const when = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** A metric or param number: five significant digits, scientific for the very small or large. */
export function formatNumber(value: number | undefined): string {
  if (value === undefined) return '';
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  return magnitude !== 0 && (magnitude < 1e-4 || magnitude >= 1e9)
    ? scientific.format(value)
    : significant.format(value);
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
