/**
 * CSV export: RFC 4180 (CRLF line ends; fields quoted when they hold a quote, comma, CR or LF, with
 * quotes doubled), and text cells that a spreadsheet would run as a formula (starting with `=`,
 * `+`, `-`, `@`, tab or CR) prefixed with `'` (OWASP's advice). Numbers are written raw, so a
 * negative number stays `-1.5` and reads back as a number, as does text that is a plain number
 * (`"-0.5"`, `"+3"`, `"-1e-3"`: params logged to MLflow are text); NaN and ±Infinity as the protocol spells
 * them (`NaN`, `Infinity`, `-Infinity`), which Python's `float` and pandas read back.
 */
import type { CellValue } from './columns.js';

const FORMULA_START = /^[=+\-@\t\r]/;
/** Text that is a plain number (MLflow logs every param as text): written as it is, it reads back as one. */
const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const NEEDS_QUOTES = /[",\r\n]/;

/** One field, escaped and quoted as needed. Missing values are empty; a logged NaN is not missing. */
export function csvField(value: CellValue): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const text = FORMULA_START.test(value) && !NUMBER_TEXT.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A whole file: a header line, then one line per row. */
export function toCsv(header: readonly string[], rows: Iterable<readonly CellValue[]>): string {
  const lines = [header.map(csvField).join(',')];
  for (const row of rows) lines.push(row.map(csvField).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
