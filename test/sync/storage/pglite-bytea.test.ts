// bytea travels to and from PGlite as hex text: Node's codec and the browser's tables agree, and
// every byte comes back.
import { expect, it } from 'vitest';
import { seededRandom } from '../../../src/server/seeded-random.js';
import {
  parseBytea,
  parseHex,
  serializeBytea,
  serializeHex,
} from '../../../src/sync/storage/pglite-bytea.js';
import { float64s } from '../../../src/sync/storage/sql/summaries.js';

it('round-trips every byte through hex text, with and without Node', () => {
  const random = seededRandom(7);
  for (const length of [0, 1, 2, 255, 4095, 4096, 4097, 20_000]) {
    const bytes = Uint8Array.from({ length }, () => Math.floor(random() * 256));
    const text = serializeBytea(bytes);
    expect(text).toBe(serializeHex(bytes));
    expect(text.startsWith('\\x')).toBe(true);
    expect(parseBytea(text)).toEqual(bytes);
    expect(parseHex(text)).toEqual(bytes);
    // A slice of a larger buffer is written as the slice alone.
    const inner = new Uint8Array(length + 3);
    inner.set(bytes, 3);
    expect(serializeBytea(inner.subarray(3))).toBe(text);
  }
  expect(() => serializeBytea('text')).toThrow(TypeError);
});

it('reads float64 columns bit for bit, whether the bytes have their buffer to themselves or not', () => {
  const values = new Float64Array([0, -0, 1.5, Number.NaN, Number.POSITIVE_INFINITY, -1e308, 5e-324]);
  const own = new Uint8Array(values.buffer.slice(0));
  const shared = new Uint8Array(values.byteLength + 5);
  shared.set(own, 5);
  for (const bytes of [own, shared.subarray(5), parseBytea(serializeBytea(own))]) {
    const read = float64s(bytes);
    expect(new Uint8Array(read.buffer, read.byteOffset, read.byteLength)).toEqual(own);
  }
});
