/**
 * Parameters as numbers. MLflow stores every parameter as text, so a learning rate arrives as
 * `"0.00863"`; the components read such text as the number it spells (to format, align, sort and
 * filter it like a metric) and keep the text for a tooltip. The mapping keeps the text: the sync
 * engine writes params back and MLflow refuses a changed one, and `1e-05` would come back `0.00001`.
 */
import type { ParamValue } from '../../protocol/index.js';

/** A decimal number, with an optional exponent; not hex, not blank (which `Number()` reads as 0). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** The number a param value is or spells, else undefined (text, booleans). */
export function paramNumber(value: ParamValue | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string' || !DECIMAL.test(value.trim())) return undefined;
  return Number(value);
}
