/**
 * Client-side checks that mirror MLflow's validation, so errors name the bad key before any request.
 */
import { MlflowValidationError } from './errors.js';
import { LENGTH_LIMITS } from './limits.js';

// Same character class as MLflow on POSIX servers: Python's `\w` is Unicode letters, numbers and `_`.
export const KEY_CHARS = /^[/\p{L}\p{N}_.\- :]*$/u;
const INT64_MAX = 9_223_372_036_854_775_807n;
const INT64_MIN = -9_223_372_036_854_775_808n;

/** Checks a metric, param or tag key the way MLflow does; throws {@link MlflowValidationError} naming it. */
export function validateKey(key: unknown, what = 'key'): asserts key is string {
  if (typeof key !== 'string') throw new MlflowValidationError(String(key), `${what} must be a string`);
  if (key.length === 0) throw new MlflowValidationError(key, `${what} must not be empty`);
  const length = key.length > LENGTH_LIMITS.key ? characters(key) : key.length;
  if (length > LENGTH_LIMITS.key) {
    throw new MlflowValidationError(key, `${what} is ${length} characters, more than ${LENGTH_LIMITS.key}`);
  }
  if (!KEY_CHARS.test(key)) {
    throw new MlflowValidationError(
      key,
      `${what} may only contain letters, digits, underscores, dashes, periods, spaces, colons and slashes`,
    );
  }
  if (!isNormalPath(key)) {
    throw new MlflowValidationError(
      key,
      `${what} must be a normalized relative path (no '..', '//', './' or leading '/')`,
    );
  }
}

/**
 * MLflow treats keys as file paths and refuses any that `posixpath.normpath` would change
 * (`a//b`, `a/./b`, `a/`), that start with `/` or `..`, or that are `.`.
 */
function isNormalPath(key: string): boolean {
  if (key.startsWith('/') || key.startsWith('..') || key.endsWith('/')) return false;
  return key.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

/** Checks a string value against a length limit; MLflow would otherwise truncate or refuse it. */
export function validateValue(
  key: string,
  value: unknown,
  limit: number,
  what: string,
): asserts value is string {
  if (typeof value !== 'string')
    throw new MlflowValidationError(key, `${what} must be a string, got ${typeof value}`);
  // A string's UTF-16 length is at least its count of code points: only a long one is counted.
  const length = value.length > limit ? characters(value) : value.length;
  if (length > limit) {
    throw new MlflowValidationError(key, `${what} is ${length} characters, more than ${limit}`);
  }
}

/** Characters as MLflow (Python) counts them: code points, so an emoji is one, not two UTF-16 units. */
function characters(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** A metric value must be a number; NaN and ±Infinity are fine (sent as strings). */
export function validateMetricValue(key: string, value: unknown): asserts value is number {
  if (typeof value !== 'number') {
    throw new MlflowValidationError(key, `metric value must be a number, got ${typeof value}`);
  }
}

/** Checks an int64 field given as a number (a safe integer) or a decimal string, and returns it for the wire. */
export function int64(
  key: string,
  field: string,
  value: number | string | bigint,
  min = INT64_MIN,
): number | string {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new MlflowValidationError(key, `${field} must be an integer, got ${value}`);
    }
    if (BigInt(value) < min)
      throw new MlflowValidationError(key, `${field} must be at least ${min}, got ${value}`);
    return value;
  }
  const text = String(value);
  if (!/^-?\d+$/.test(text)) throw new MlflowValidationError(key, `${field} must be an integer, got ${text}`);
  const big = BigInt(text);
  if (big < min || big > INT64_MAX) throw new MlflowValidationError(key, `${field} is out of range: ${text}`);
  return text;
}
