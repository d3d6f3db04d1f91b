/**
 * The binary encoding of a {@link SeriesWindow}: the numbers as little-endian float64, so NaN and
 * ±Infinity travel as they are and nothing is parsed. Browser-safe (DataView, TextEncoder).
 *
 * Layout: magic "TKSW", format u8, x axis u8, 2 bytes padding, columns u32, from f64, to f64,
 * key (u32 byte length + UTF-8), series count u32; then per series: trial id (u32 + UTF-8),
 * flags u8 (1 = exact, 2 = raw), point count u32, then the steps, the values and the timestamps,
 * each as `count` float64.
 */
import { type SeriesWindow, type SeriesWindowPart, SeriesWindowX } from './series-window.js';

/** The HTTP content type of an encoded window; `application/json` is the other encoding. */
export const SERIES_WINDOW_CONTENT_TYPE = 'application/vnd.trialkit.series-window';

const MAGIC = 0x5753_4b54; // "TKSW" read as a little-endian u32
const FORMAT = 1;
const AXES: readonly SeriesWindowX[] = [SeriesWindowX.Step, SeriesWindowX.Time, SeriesWindowX.Relative];
const EXACT = 1;
const RAW = 2;

/** Encodes a window; {@link decodeSeriesWindow} gives it back equal (NaN, ±Infinity and -0 included). */
export function encodeSeriesWindow(window: SeriesWindow): Uint8Array {
  const utf8 = new TextEncoder();
  const key = utf8.encode(window.key);
  const ids = window.series.map((part) => utf8.encode(part.trialId));
  let size = 4 + 4 + 4 + 8 + 8 + 4 + key.length + 4;
  window.series.forEach((part, i) => {
    size += 4 + ids[i].length + 1 + 4 + part.steps.length * 24;
  });
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  let at = 0;
  const u32 = (n: number) => {
    view.setUint32(at, n, true);
    at += 4;
  };
  const text = (encoded: Uint8Array) => {
    u32(encoded.length);
    bytes.set(encoded, at);
    at += encoded.length;
  };
  const f64s = (numbers: readonly number[]) => {
    for (const n of numbers) {
      view.setFloat64(at, n, true);
      at += 8;
    }
  };
  u32(MAGIC);
  view.setUint8(at, FORMAT);
  view.setUint8(at + 1, AXES.indexOf(window.x));
  at += 4;
  u32(window.columns);
  f64s([window.from, window.to]);
  text(key);
  u32(window.series.length);
  window.series.forEach((part, i) => {
    const n = part.steps.length;
    if (part.values.length !== n || part.timestamps.length !== n) {
      throw new RangeError(`series ${part.trialId}: steps, values and timestamps differ in length`);
    }
    text(ids[i]);
    view.setUint8(at, (part.exact ? EXACT : 0) | (part.raw ? RAW : 0));
    at += 1;
    u32(n);
    f64s(part.steps);
    f64s(part.values);
    f64s(part.timestamps);
  });
  return bytes;
}

/** Decodes what {@link encodeSeriesWindow} wrote; throws a RangeError on anything else. */
export function decodeSeriesWindow(input: ArrayBuffer | Uint8Array): SeriesWindow {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const utf8 = new TextDecoder();
  let at = 0;
  const need = (n: number) => {
    if (at + n > bytes.byteLength) throw new RangeError('series window: truncated');
  };
  const u32 = () => {
    need(4);
    const n = view.getUint32(at, true);
    at += 4;
    return n;
  };
  const text = () => {
    const length = u32();
    need(length);
    const s = utf8.decode(bytes.subarray(at, at + length));
    at += length;
    return s;
  };
  const f64s = (count: number) => {
    need(count * 8);
    const out = new Array<number>(count);
    for (let i = 0; i < count; i++, at += 8) out[i] = view.getFloat64(at, true);
    return out;
  };
  if (u32() !== MAGIC) throw new RangeError('series window: not a trialkit series window');
  need(4);
  const format = view.getUint8(at);
  const x = AXES[view.getUint8(at + 1)];
  at += 4;
  if (format !== FORMAT) throw new RangeError(`series window: unknown format ${format}`);
  if (x === undefined) throw new RangeError('series window: unknown x axis');
  const columns = u32();
  const [from, to] = f64s(2);
  const key = text();
  const series: SeriesWindowPart[] = [];
  for (let count = u32(); count > 0; count--) {
    const trialId = text();
    need(1);
    const flags = view.getUint8(at);
    at += 1;
    const n = u32();
    const steps = f64s(n);
    const values = f64s(n);
    const timestamps = f64s(n);
    series.push({
      trialId,
      exact: (flags & EXACT) !== 0,
      raw: (flags & RAW) !== 0,
      steps,
      values,
      timestamps,
    });
  }
  if (at !== bytes.byteLength) throw new RangeError('series window: trailing bytes');
  return { key, x, from, to, columns, series };
}
