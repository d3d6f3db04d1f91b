/**
 * Sorting row indices by numeric keys with an LSD radix sort: four counting passes of 16 bits per
 * key instead of n·log n comparator calls, about 5× faster than `TypedArray.prototype.sort` with a
 * comparator at 100,000 rows. It produces exactly the order of `sort.ts`'s `comparator` (missing
 * values last in either direction, ties by the next key, then by row index), which the incremental
 * updates' binary searches rely on.
 */
import type { ColumnKey } from './column-key.js';
import type { SortDirection } from './sort.js';

export interface RadixKey {
  readonly key: ColumnKey;
  readonly direction: SortDirection;
}

const RADIX = 1 << 16;

/**
 * Sorts `order` (row indices, ascending on entry) in place by `keys`, the first most significant.
 * Radix sorting is stable, so sorting by the least significant key first gives the full order,
 * and the ascending entry order breaks the final ties by row index.
 */
export function radixSort(order: Uint32Array, keys: readonly RadixKey[]): void {
  const n = order.length;
  if (n < 2) return;
  let ord: Uint32Array = order;
  let spare: Uint32Array = new Uint32Array(n);
  let bits: Uint32Array = new Uint32Array(2 * n);
  let spareBits: Uint32Array = new Uint32Array(2 * n);
  const counts = new Uint32Array(RADIX);
  for (let k = keys.length - 1; k >= 0; k--) {
    sortableBits(ord, keys[k], bits);
    for (let pass = 0; pass < 4; pass++) {
      // Word 0 holds the low 32 bits, word 1 the high; each pass takes 16 of them.
      const word = pass >> 1;
      const shift = (pass & 1) * 16;
      counts.fill(0);
      for (let i = 0; i < n; i++) counts[(bits[2 * i + word] >>> shift) & 0xffff]++;
      if (counts[(bits[word] >>> shift) & 0xffff] === n) continue; // one digit for all: nothing to move
      let sum = 0;
      for (let d = 0; d < RADIX; d++) {
        const c = counts[d];
        counts[d] = sum;
        sum += c;
      }
      for (let i = 0; i < n; i++) {
        const lo = bits[2 * i];
        const hi = bits[2 * i + 1];
        const to = counts[((word ? hi : lo) >>> shift) & 0xffff]++;
        spare[to] = ord[i];
        spareBits[2 * to] = lo;
        spareBits[2 * to + 1] = hi;
      }
      [ord, spare] = [spare, ord];
      [bits, spareBits] = [spareBits, bits];
    }
  }
  if (ord !== order) order.set(ord);
}

/**
 * Writes each row's key as 64 bits that order as unsigned integers like the comparator orders the
 * values: descending keys negated, -0 folded into 0, IEEE bits flipped into unsigned order, and
 * missing (NaN) as all ones, after every number including +Infinity.
 */
function sortableBits(order: Uint32Array, { key, direction }: RadixKey, out: Uint32Array): void {
  const n = order.length;
  const values = new Float64Array(out.buffer, out.byteOffset, n);
  const data = key.data;
  const sign = direction === 'desc' ? -1 : 1;
  for (let i = 0; i < n; i++) values[i] = sign * data[order[i]] + 0;
  // `values` aliases `out`: on little-endian platforms (all that run browsers) word 2i is the low half.
  for (let i = 0; i < n; i++) {
    const hi = out[2 * i + 1];
    const lo = out[2 * i];
    if ((hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) !== 0 || lo !== 0)) {
      out[2 * i] = 0xffffffff;
      out[2 * i + 1] = 0xffffffff;
    } else if (hi & 0x80000000) {
      out[2 * i] = ~lo >>> 0;
      out[2 * i + 1] = ~hi >>> 0;
    } else {
      out[2 * i + 1] = (hi | 0x80000000) >>> 0;
    }
  }
}
