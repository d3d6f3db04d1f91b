/**
 * Turns caller input into MLflow's wire format: validated, int64 as number or string, doubles that
 * `JSON.stringify` cannot express (NaN, ±Infinity) as the strings MLflow expects.
 */
import { MlflowValidationError } from './errors.js';
import { LENGTH_LIMITS } from './limits.js';
import { int64, validateKey, validateMetricValue, validateValue } from './validation.js';

/** A metric point to log. `timestamp` defaults to now, `step` to 0. */
export interface MetricInput {
  key: string;
  value: number;
  /** int64, as a safe integer or a decimal string. */
  step?: number | string;
  /** Milliseconds since the epoch; int64, as a safe integer or a decimal string. */
  timestamp?: number | string;
}

/** A param or tag value; numbers and booleans are sent as their string form. */
export type ParamValue = string | number | boolean;

/** Params or tags: a record, or a list of pairs. */
export type KeyValues = Readonly<Record<string, ParamValue>> | readonly { key: string; value: ParamValue }[];

/** One entity of a log-batch body, serialized once, with its size for packing. */
export interface EncodedItem {
  key: string;
  /** Its JSON text (for params and tags, also how duplicates are compared). */
  json: string;
  /** UTF-8 length of `json`. */
  bytes: number;
}

/** The JSON text of a double, the way MLflow's JSON parser accepts non-finite values. */
export function wireDouble(value: number): string {
  if (Number.isFinite(value)) return String(value);
  if (Number.isNaN(value)) return '"NaN"';
  return value > 0 ? '"Infinity"' : '"-Infinity"';
}

/** UTF-8 byte length, without allocating. */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 2; // a surrogate pair: 4 bytes for 2 UTF-16 units
      i++;
    } else bytes += 2;
  }
  return bytes;
}

/** Caches what is per-key in metric encoding: validation and the key's JSON text. */
export class MetricEncoder {
  private readonly prefixes = new Map<string, { prefix: string; bytes: number }>();

  /** Validates and serializes one point. Throws {@link MlflowValidationError} naming the key. */
  encode(
    key: string,
    value: number,
    step: number | string = 0,
    timestamp: number | string = Date.now(),
  ): EncodedItem {
    let cached = this.prefixes.get(key);
    if (cached === undefined) {
      validateKey(key, 'metric key');
      const prefix = `{"key":${JSON.stringify(key)},"value":`;
      cached = { prefix, bytes: utf8Length(prefix) };
      // Bounded, so a loop over ever-new keys cannot grow it without limit.
      if (this.prefixes.size < 10_000) this.prefixes.set(key, cached);
    }
    validateMetricValue(key, value);
    const ts =
      Number.isSafeInteger(timestamp) && (timestamp as number) >= 0
        ? timestamp
        : int64(key, 'timestamp', timestamp, 0n);
    const st = Number.isSafeInteger(step) ? step : int64(key, 'step', step);
    const tail = `${wireDouble(value)},"timestamp":${ts},"step":${st}}`;
    const json = cached.prefix + tail;
    return { key, json, bytes: cached.bytes + tail.length };
  }
}

/** Validates and serializes a param. */
export function encodeParam(key: string, value: ParamValue): EncodedItem {
  return encodeKeyValue(key, value, 'param', LENGTH_LIMITS.paramValue);
}

/** Validates and serializes a run tag. */
export function encodeTag(key: string, value: ParamValue): EncodedItem {
  return encodeKeyValue(key, value, 'tag', LENGTH_LIMITS.tagValue);
}

function encodeKeyValue(key: string, value: ParamValue, what: string, limit: number): EncodedItem {
  validateKey(key, `${what} key`);
  const text = stringValue(key, value, what);
  validateValue(key, text, limit, `${what} value`);
  const json = `{"key":${JSON.stringify(key)},"value":${JSON.stringify(text)}}`;
  return { key, json, bytes: utf8Length(json) };
}

/** The string form of a param or tag value. */
export function stringValue(key: string, value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new MlflowValidationError(
    key,
    `${what} value must be a string, number or boolean, got ${typeof value}`,
  );
}

/** Lists the pairs of a record or a pair list. */
export function pairs(values: KeyValues | undefined): { key: string; value: ParamValue }[] {
  if (values === undefined) return [];
  return Array.isArray(values) ? [...values] : Object.entries(values).map(([key, value]) => ({ key, value }));
}

/** Validated key/value pairs in wire form (`[{ key, value }]`), e.g. the tags of a new run. */
export function wirePairs(
  values: KeyValues | undefined,
  what: string,
  valueLimit: number = LENGTH_LIMITS.tagValue,
): { key: string; value: string }[] | undefined {
  if (values === undefined) return undefined;
  return pairs(values).map(({ key, value }) => {
    validateKey(key, `${what} key`);
    const text = stringValue(key, value, what);
    validateValue(key, text, valueLimit, `${what} value`);
    return { key, value: text };
  });
}

/**
 * Key/value pairs in wire form with values as strings, left to the server to check: the model
 * registry's and logged models' limits differ from a run's, and MLflow reports them by key.
 */
export function stringPairs(
  values: KeyValues | undefined,
  what: string,
): { key: string; value: string }[] | undefined {
  if (values === undefined) return undefined;
  return pairs(values).map(({ key, value }) => ({ key, value: stringValue(key, value, what) }));
}
