/**
 * Compact, exact encodings of a column of numbers for the binary series window: each column picks
 * the smallest encoding that gives every number back bit for bit (NaN, ±Infinity and -0 included).
 *
 * - `Deltas`: safe integers (steps, epoch-ms timestamps) as zigzag LEB128 varints of the difference
 *   from the previous number: one or two bytes a point for regular steps and timestamps.
 * - `Float32`: numbers that are all exactly float32 (a value logged from a float32 tensor).
 * - `Float64`: anything else, each number XOR-ed with the previous one and the eight bytes of the
 *   results stored plane by plane, so the sign, exponent and leading mantissa bytes of similar
 *   neighbours become runs of zeros that gzip takes away.
 *
 * Browser-safe: DataView and typed arrays only.
 */

const Encoding = { Deltas: 0, Float32: 1, Float64: 2 } as const;

/** Integers whose zigzag form stays a safe integer. */
const MAX_DELTA = 2 ** 51;

/** A growable byte buffer. */
export class ByteWriter {
  private bytes = new Uint8Array(1024);
  private view = new DataView(this.bytes.buffer);
  length = 0;

  /** Room for `n` more bytes; returns the view and the offset to write them at. */
  reserve(n: number): { view: DataView; bytes: Uint8Array; at: number } {
    if (this.length + n > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
      this.view = new DataView(grown.buffer);
    }
    const at = this.length;
    this.length += n;
    return { view: this.view, bytes: this.bytes, at };
  }

  u8(n: number): void {
    const { view, at } = this.reserve(1);
    view.setUint8(at, n);
  }
  u32(n: number): void {
    const { view, at } = this.reserve(4);
    view.setUint32(at, n, true);
  }
  f64(n: number): void {
    const { view, at } = this.reserve(8);
    view.setFloat64(at, n, true);
  }
  raw(data: Uint8Array): void {
    const { bytes, at } = this.reserve(data.length);
    bytes.set(data, at);
  }

  /** The bytes written so far. */
  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

/** Reads what a {@link ByteWriter} wrote; throws a RangeError past the end. */
export class ByteReader {
  readonly view: DataView;
  at = 0;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  need(n: number): void {
    if (this.at + n > this.bytes.byteLength) throw new RangeError('series window: truncated');
  }
  u8(): number {
    this.need(1);
    return this.view.getUint8(this.at++);
  }
  u32(): number {
    this.need(4);
    const n = this.view.getUint32(this.at, true);
    this.at += 4;
    return n;
  }
  f64(): number {
    this.need(8);
    const n = this.view.getFloat64(this.at, true);
    this.at += 8;
    return n;
  }
  raw(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
}

/** Writes `numbers` in the smallest exact encoding (see the module comment). */
export function writeNumberColumn(out: ByteWriter, numbers: readonly number[]): void {
  if (fitsDeltas(numbers)) {
    out.u8(Encoding.Deltas);
    writeDeltas(out, numbers);
  } else if (numbers.every((n) => Object.is(Math.fround(n), n))) {
    out.u8(Encoding.Float32);
    const { view, at } = out.reserve(numbers.length * 4);
    for (let i = 0; i < numbers.length; i++) view.setFloat32(at + i * 4, numbers[i], true);
  } else {
    out.u8(Encoding.Float64);
    writeFloat64Planes(out, numbers);
  }
}

/** Reads `count` numbers written by {@link writeNumberColumn}. */
export function readNumberColumn(input: ByteReader, count: number): number[] {
  const encoding = input.u8();
  const out = new Array<number>(count);
  if (encoding === Encoding.Deltas) {
    let previous = 0;
    for (let i = 0; i < count; i++) {
      const zigzag = readVarint(input);
      previous += zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2;
      out[i] = previous;
    }
  } else if (encoding === Encoding.Float32) {
    input.need(count * 4);
    for (let i = 0; i < count; i++, input.at += 4) out[i] = input.view.getFloat32(input.at, true);
  } else if (encoding === Encoding.Float64) {
    readFloat64Planes(input, out);
  } else {
    throw new RangeError(`series window: unknown column encoding ${encoding}`);
  }
  return out;
}

function fitsDeltas(numbers: readonly number[]): boolean {
  let previous = 0;
  for (const n of numbers) {
    if (!Number.isSafeInteger(n) || Object.is(n, -0) || Math.abs(n - previous) >= MAX_DELTA) return false;
    previous = n;
  }
  return true;
}

function writeDeltas(out: ByteWriter, numbers: readonly number[]): void {
  // At most 8 bytes of 7 bits carry a zigzag below 2^52.
  const { bytes, at } = out.reserve(numbers.length * 8);
  let end = at;
  let previous = 0;
  for (const n of numbers) {
    const delta = n - previous;
    previous = n;
    let zigzag = delta >= 0 ? delta * 2 : -delta * 2 - 1;
    while (zigzag >= 0x80) {
      bytes[end++] = (zigzag % 0x80) | 0x80;
      zigzag = Math.floor(zigzag / 0x80);
    }
    bytes[end++] = zigzag;
  }
  out.length = end;
}

function readVarint(input: ByteReader): number {
  let n = 0;
  let scale = 1;
  for (;;) {
    const byte = input.u8();
    n += (byte & 0x7f) * scale;
    if (byte < 0x80) return n;
    scale *= 0x80;
    if (scale > 2 ** 56) throw new RangeError('series window: varint too long');
  }
}

function writeFloat64Planes(out: ByteWriter, numbers: readonly number[]): void {
  const n = numbers.length;
  const words = new Float64Array(numbers);
  const xored = new Uint32Array(words.buffer);
  // Each number's two 32-bit halves XOR the previous number's, from the last so each reads its original neighbour.
  for (let i = n - 1; i > 0; i--) {
    xored[2 * i] ^= xored[2 * i - 2];
    xored[2 * i + 1] ^= xored[2 * i - 1];
  }
  // The planes are in the platform's byte order: little-endian wherever browsers and Node run.
  const source = new Uint8Array(words.buffer);
  const { bytes, at } = out.reserve(n * 8);
  for (let plane = 0; plane < 8; plane++) {
    const base = at + plane * n;
    for (let i = 0; i < n; i++) bytes[base + i] = source[i * 8 + plane];
  }
}

function readFloat64Planes(input: ByteReader, out: number[]): void {
  const n = out.length;
  const planes = input.raw(n * 8);
  const halves = new Uint32Array(2);
  const word = new Float64Array(halves.buffer);
  // Each number's halves gathered from the eight planes in one pass, undoing the XOR as it goes
  // (a pass per plane and another for the XOR took three times as long).
  let low = 0;
  let high = 0;
  for (let i = 0; i < n; i++) {
    low ^= planes[i] | (planes[n + i] << 8) | (planes[2 * n + i] << 16) | (planes[3 * n + i] << 24);
    high ^=
      planes[4 * n + i] | (planes[5 * n + i] << 8) | (planes[6 * n + i] << 16) | (planes[7 * n + i] << 24);
    halves[0] = low;
    halves[1] = high;
    out[i] = word[0];
  }
}
