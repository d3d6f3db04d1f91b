/**
 * A summary row's stored bytes. A window over a thousand series reads hundreds of MB of rows, and
 * the database's reading them (and PGlite's hex text of them) is most of its time, so rows are
 * stored compact: per non-empty bucket its position, count and index range, and each distinct kept
 * point once (first, last, min and max are often the same points), with steps, timestamps and
 * indexes as 32-bit differences where they fit, else as float64. Values stay float64: exact.
 * About 100 bytes a bucket instead of 232.
 *
 * Rows written before this format (per non-empty bucket its position, then its fields, all
 * float64) start with a zero byte and are still read; each is rewritten compact when next updated.
 */
import { M4_KEPT_FIELDS } from '../../../protocol/index.js';

/** Float64 fields per bucket: count, lowest index, highest index, then the kept points. */
export const BUCKET_FIELDS = 3 + M4_KEPT_FIELDS;
/** Offset of the kept points in a bucket. */
export const KEPT = 3;

/** About the bytes a full bucket takes stored: four distinct points, 32-bit differences (measured: 102). */
export const STORED_BUCKET_BYTES = 104;

/** The first byte of a compact row; a legacy row's first byte is the low byte of a small float64 integer, 0. */
const COMPACT = 2;
/** Float64 fields of a legacy stored bucket: its position in the row, then the bucket. */
const LEGACY_BUCKET = 1 + BUCKET_FIELDS;
/** Kept points per bucket, and fields per kept point (x, step, value, timestamp, index: x is the step here). */
const SLOTS = 5;
const SLOT_FIELDS = M4_KEPT_FIELDS / SLOTS;
/** A slot's reference when it keeps no point. */
const ABSENT = 7;

/** Flags of a bucket: which numbers did not fit 32 bits and are float64. */
const WIDE_COUNT = 1;
const WIDE_INDEX = 2;
const WIDE_STEP = 4;
const WIDE_TIME = 8;

/** Empty rows by bucket count, copied: a copy is cheaper than filling, and rows are read by the thousand. */
const EMPTY = new Map<number, Float64Array>();

/** Buckets with no points yet. */
export function emptyBuckets(count: number): Float64Array {
  let empty = EMPTY.get(count);
  if (!empty) {
    empty = new Float64Array(count * BUCKET_FIELDS).fill(Number.NaN);
    for (let b = 0; b < count; b++) empty[b * BUCKET_FIELDS] = 0;
    if (EMPTY.size < 8) EMPTY.set(count, empty);
  }
  return empty.slice();
}

/** A stored row as `buckets` buckets (empty ones included). */
export function decodeRow(bytes: Uint8Array, buckets: number): Float64Array {
  const row = emptyBuckets(buckets);
  if (bytes.byteLength === 0) return row;
  if (bytes[0] !== COMPACT) {
    const aligned = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
    const stored = new Float64Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 8);
    for (let o = 0; o < stored.length; o += LEGACY_BUCKET)
      row.set(stored.subarray(o + 1, o + LEGACY_BUCKET), stored[o] * BUCKET_FIELDS);
    return row;
  }
  readBuckets(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), row);
  return row;
}

/** The number of non-empty buckets in a stored row. */
export function storedBuckets(bytes: Uint8Array): number {
  if (bytes.byteLength === 0) return 0;
  if (bytes[0] !== COMPACT) return bytes.byteLength / (LEGACY_BUCKET * 8);
  // Room for any row: a bucket's position is one byte.
  const row = decodeRow(bytes, 256);
  let n = 0;
  for (let o = 0; o < row.length; o += BUCKET_FIELDS) if (row[o] > 0) n++;
  return n;
}

/** The stored bytes of a row's non-empty buckets. */
export function encodeRow(row: Float64Array): Uint8Array {
  const writer = new Writer(row.length / BUCKET_FIELDS);
  writer.u8(COMPACT);
  for (let b = 0; b * BUCKET_FIELDS < row.length; b++)
    if (row[b * BUCKET_FIELDS] > 0) writeBucket(writer, row, b);
  return writer.bytes();
}

/** Whether `n` is `base` plus an integer in `[min, max]` that gives `n` back exactly (not -0). */
function fitsFrom(n: number, base: number, min: number, max: number): boolean {
  const d = n - base;
  return Number.isInteger(d) && d >= min && d <= max && base + d === n && !Object.is(n, -0);
}

const fitsInt32 = (n: number, base: number) => fitsFrom(n, base, -0x80000000, 0x7fffffff);
const fitsUint32 = (n: number, base = 0) => fitsFrom(n, base, 0, 0xffffffff);

function writeBucket(w: Writer, row: Float64Array, b: number): void {
  const o = b * BUCKET_FIELDS;
  const count = row[o];
  const lo = row[o + 1];
  const hi = row[o + 2];
  // Distinct kept points, and each slot's reference to one.
  const points: number[] = [];
  let refs = 0;
  for (let s = 0; s < SLOTS; s++) {
    const at = o + KEPT + s * SLOT_FIELDS;
    const index = row[at + 4];
    let ref = ABSENT;
    if (!Number.isNaN(index)) {
      if (!Object.is(row[at], row[at + 1]))
        throw new Error('summary buckets keep points in step space (x = step)');
      ref = points.findIndex((p) => samePoint(row, p, at));
      if (ref < 0) ref = points.push(at) - 1;
    }
    refs |= ref << (s * 3);
  }
  const baseStep = points.length > 0 ? row[points[0] + 1] : 0;
  const baseTime = points.length > 0 ? row[points[0] + 3] : 0;
  let flags = fitsUint32(count) ? 0 : WIDE_COUNT;
  if (!(fitsUint32(hi, lo) && points.every((p) => fitsUint32(row[p + 4], lo)))) flags |= WIDE_INDEX;
  if (!points.every((p) => fitsInt32(row[p + 1], baseStep))) flags |= WIDE_STEP;
  if (!points.every((p) => fitsInt32(row[p + 3], baseTime))) flags |= WIDE_TIME;

  w.u8(b);
  w.u8(flags | (points.length << 4));
  w.u16(refs);
  if (flags & WIDE_COUNT) w.f64(count);
  else w.u32(count);
  w.f64(lo);
  if (flags & WIDE_INDEX) w.f64(hi);
  else w.u32(hi - lo);
  points.forEach((p, i) => {
    if (i === 0 || flags & WIDE_STEP) w.f64(row[p + 1]);
    else w.i32(row[p + 1] - baseStep);
    w.f64(row[p + 2]);
    if (i === 0 || flags & WIDE_TIME) w.f64(row[p + 3]);
    else w.i32(row[p + 3] - baseTime);
    if (flags & WIDE_INDEX) w.f64(row[p + 4]);
    else w.u32(row[p + 4] - lo);
  });
}

/** Whether the kept points at `a` and `b` are the same: every field, NaN and -0 told apart as stored. */
function samePoint(row: Float64Array, a: number, b: number): boolean {
  for (let f = 0; f < SLOT_FIELDS; f++) if (!Object.is(row[a + f], row[b + f])) return false;
  return true;
}

/** Reads the compact buckets (from byte 1 on) into `row`; offsets in locals, as rows are read by the thousand. */
function readBuckets(v: DataView, row: Float64Array): void {
  for (let at = 1; at < v.byteLength; ) {
    const o = v.getUint8(at) * BUCKET_FIELDS;
    const flags = v.getUint8(at + 1) & 15;
    const distinct = v.getUint8(at + 1) >> 4;
    const refs = v.getUint16(at + 2, true);
    at += 4;
    const wideCount = flags & WIDE_COUNT;
    row[o] = wideCount ? v.getFloat64(at, true) : v.getUint32(at, true);
    at += wideCount ? 8 : 4;
    const lo = v.getFloat64(at, true);
    row[o + 1] = lo;
    const wideIndex = flags & WIDE_INDEX;
    row[o + 2] = wideIndex ? v.getFloat64(at + 8, true) : lo + v.getUint32(at + 8, true);
    at += wideIndex ? 16 : 12;
    let baseStep = 0;
    let baseTime = 0;
    for (let i = 0; i < distinct; i++) {
      // Each distinct point: step, value, timestamp, index.
      const wideStep = i === 0 || flags & WIDE_STEP;
      const step = wideStep ? v.getFloat64(at, true) : baseStep + v.getInt32(at, true);
      at += wideStep ? 8 : 4;
      const value = v.getFloat64(at, true);
      at += 8;
      const wideTime = i === 0 || flags & WIDE_TIME;
      const time = wideTime ? v.getFloat64(at, true) : baseTime + v.getInt32(at, true);
      at += wideTime ? 8 : 4;
      const index = wideIndex ? v.getFloat64(at, true) : lo + v.getUint32(at, true);
      at += wideIndex ? 8 : 4;
      if (i === 0) {
        baseStep = step;
        baseTime = time;
      }
      // Into every slot that keeps this point.
      for (let s = 0; s < SLOTS; s++) {
        if (((refs >> (s * 3)) & 7) !== i) continue;
        const k = o + KEPT + s * SLOT_FIELDS;
        row[k] = step;
        row[k + 1] = step;
        row[k + 2] = value;
        row[k + 3] = time;
        row[k + 4] = index;
      }
    }
  }
}

/** The most bytes a bucket takes: its head, and five distinct points with every number float64. */
const MAX_BUCKET_BYTES = 4 + 8 + 8 + 8 + SLOTS * 4 * 8;

/** Little-endian numbers written in turn into room for `buckets` buckets. */
class Writer {
  private readonly view: DataView;
  private at = 0;
  constructor(buckets: number) {
    this.view = new DataView(new ArrayBuffer(1 + buckets * MAX_BUCKET_BYTES));
  }
  /** The offset of the next `bytes` bytes, which it moves past. */
  private next(bytes: number): number {
    const at = this.at;
    this.at += bytes;
    return at;
  }
  u8(n: number): void {
    this.view.setUint8(this.next(1), n);
  }
  u16(n: number): void {
    this.view.setUint16(this.next(2), n, true);
  }
  u32(n: number): void {
    this.view.setUint32(this.next(4), n, true);
  }
  i32(n: number): void {
    this.view.setInt32(this.next(4), n, true);
  }
  f64(n: number): void {
    this.view.setFloat64(this.next(8), n, true);
  }
  bytes(): Uint8Array {
    return new Uint8Array(this.view.buffer, 0, this.at);
  }
}
