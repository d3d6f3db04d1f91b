/**
 * The binary encoding of a {@link SeriesWindow}: every number comes back bit for bit (NaN, ±Infinity
 * and -0 included) and nothing is parsed. Each column of numbers takes the smallest exact encoding
 * of `number-columns.ts` (integer steps and timestamps as varint deltas, values as float32 when
 * they all are, else as float64 laid out for gzip). Browser-safe (DataView, TextEncoder).
 *
 * Layout: magic "TKSW", format u8, x axis u8, 2 bytes padding, columns u32, from f64, to f64,
 * key (u32 byte length + UTF-8), series count u32; then per series: trial id (u32 + UTF-8),
 * flags u8 (1 = exact, 2 = raw), point count u32, then the columns of steps, values and timestamps.
 */
import { ByteReader, ByteWriter, readNumberColumn, writeNumberColumn } from './number-columns.js';
import type { SeriesWindow, SeriesWindowPart } from './series-window.js';
import { SeriesWindowX } from './series-window-limits.js';

/** The HTTP content type of an encoded window; `application/json` is the other encoding. */
export const SERIES_WINDOW_CONTENT_TYPE = 'application/vnd.trialkit.series-window';

const MAGIC = 0x5753_4b54; // "TKSW" read as a little-endian u32
const FORMAT = 2;
const AXES: readonly SeriesWindowX[] = [SeriesWindowX.Step, SeriesWindowX.Time, SeriesWindowX.Relative];
const EXACT = 1;
const RAW = 2;

/** Encodes a window; {@link decodeSeriesWindow} gives it back equal (NaN, ±Infinity and -0 included). */
export function encodeSeriesWindow(window: SeriesWindow): Uint8Array {
  const utf8 = new TextEncoder();
  const out = new ByteWriter();
  const text = (s: string) => {
    const encoded = utf8.encode(s);
    out.u32(encoded.length);
    out.raw(encoded);
  };
  out.u32(MAGIC);
  out.u8(FORMAT);
  out.u8(AXES.indexOf(window.x));
  out.reserve(2);
  out.u32(window.columns);
  out.f64(window.from);
  out.f64(window.to);
  text(window.key);
  out.u32(window.series.length);
  for (const part of window.series) {
    const n = part.steps.length;
    if (part.values.length !== n || part.timestamps.length !== n) {
      throw new RangeError(`series ${part.trialId}: steps, values and timestamps differ in length`);
    }
    text(part.trialId);
    out.u8((part.exact ? EXACT : 0) | (part.raw ? RAW : 0));
    out.u32(n);
    writeNumberColumn(out, part.steps);
    writeNumberColumn(out, part.values);
    writeNumberColumn(out, part.timestamps);
  }
  return out.finish();
}

/** Decodes what {@link encodeSeriesWindow} wrote; throws a RangeError on anything else. */
export function decodeSeriesWindow(input: ArrayBuffer | Uint8Array): SeriesWindow {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  const reader = new ByteReader(bytes);
  const utf8 = new TextDecoder();
  const text = () => utf8.decode(reader.raw(reader.u32()));
  if (reader.u32() !== MAGIC) throw new RangeError('series window: not a trialkit series window');
  const format = reader.u8();
  const x = AXES[reader.u8()];
  reader.raw(2);
  if (format !== FORMAT) throw new RangeError(`series window: unknown format ${format}`);
  if (x === undefined) throw new RangeError('series window: unknown x axis');
  const columns = reader.u32();
  const from = reader.f64();
  const to = reader.f64();
  const key = text();
  const series: SeriesWindowPart[] = [];
  for (let count = reader.u32(); count > 0; count--) {
    const trialId = text();
    const flags = reader.u8();
    const n = reader.u32();
    const steps = readNumberColumn(reader, n);
    const values = readNumberColumn(reader, n);
    const timestamps = readNumberColumn(reader, n);
    series.push({
      trialId,
      exact: (flags & EXACT) !== 0,
      raw: (flags & RAW) !== 0,
      steps,
      values,
      timestamps,
    });
  }
  if (reader.at !== bytes.byteLength) throw new RangeError('series window: trailing bytes');
  return { key, x, from, to, columns, series };
}
