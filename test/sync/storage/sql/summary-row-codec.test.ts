// A summary row survives its stored bytes exactly, whatever its numbers (NaN, ±Infinity, -0,
// fractional or huge steps, timestamps and indexes past 32 bits), legacy rows are still read, and a
// typical bucket takes under half the bytes it took as float64s.
import { describe, expect, it } from 'vitest';
import { keepPoint } from '../../../../src/protocol/index.js';
import { BUCKETS_PER_ROW } from '../../../../src/sync/storage/sql/summaries.js';
import {
  BUCKET_FIELDS,
  decodeRow,
  emptyBuckets,
  encodeRow,
  KEPT,
  STORED_BUCKET_BYTES,
  storedBuckets,
} from '../../../../src/sync/storage/sql/summary-row-codec.js';

/** A seeded generator: the same rows every run. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

const awkward = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -0,
  0,
  2 ** 53,
  -(2 ** 53),
  1e300,
  0.5,
  -1.25,
];

/** A row whose buckets got points as storage adds them (count, index range, kept points). */
function rowOf(next: () => number, wild: boolean): Float64Array {
  const row = emptyBuckets(BUCKETS_PER_ROW);
  const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)];
  for (let b = 0; b < BUCKETS_PER_ROW; b++) {
    if (next() < 0.3) continue;
    const o = b * BUCKET_FIELDS;
    const points = 1 + Math.floor(next() * 20);
    const firstIndex = wild && next() < 0.3 ? 2 ** 40 + Math.floor(next() * 1000) : Math.floor(next() * 1e6);
    for (let i = 0; i < points; i++) {
      const index = firstIndex + (wild && next() < 0.1 ? 2 ** 33 : Math.floor(next() * 5000));
      const step = wild && next() < 0.2 ? pick(awkward) : b * 16 + Math.floor(next() * 16);
      const value = next() < 0.2 ? pick(awkward) : next() * 10 - 5;
      const timestamp =
        wild && next() < 0.2 ? pick(awkward) : 1.7e12 + Math.floor(next() * (wild ? 2 ** 40 : 1e6));
      if (row[o] === 0) row[o + 1] = row[o + 2] = index;
      row[o + 1] = Math.min(row[o + 1], index);
      row[o + 2] = Math.max(row[o + 2], index);
      row[o] += wild && next() < 0.05 ? 2 ** 33 : 1;
      keepPoint(row, o + KEPT, step, step, value, timestamp, index);
    }
  }
  return row;
}

/** Legacy bytes: per non-empty bucket its position, then its fields, as float64. */
function legacyBytes(row: Float64Array): Uint8Array {
  const out: number[] = [];
  for (let b = 0; b < BUCKETS_PER_ROW; b++)
    if (row[b * BUCKET_FIELDS] > 0) out.push(b, ...row.subarray(b * BUCKET_FIELDS, (b + 1) * BUCKET_FIELDS));
  return new Uint8Array(Float64Array.from(out).buffer);
}

function expectSameNumbers(actual: Float64Array, expected: Float64Array): void {
  expect(actual.length).toBe(expected.length);
  const differing = [...expected.keys()].filter((i) => !Object.is(actual[i], expected[i]));
  expect(differing.map((i) => [i, actual[i], expected[i]])).toEqual([]);
}

describe('summary row bytes', () => {
  it('give every row back exactly, NaN, -0 and wide numbers included', () => {
    const next = random(7);
    for (let r = 0; r < 300; r++) {
      const row = rowOf(next, r % 2 === 1);
      expectSameNumbers(decodeRow(encodeRow(row), BUCKETS_PER_ROW), row);
    }
  });

  it('read legacy rows as they were', () => {
    const next = random(11);
    for (let r = 0; r < 50; r++) {
      const row = rowOf(next, true);
      const legacy = legacyBytes(row);
      expectSameNumbers(decodeRow(legacy, BUCKETS_PER_ROW), row);
      // Also when the driver hands back an unaligned slice of a larger buffer.
      const shifted = new Uint8Array(legacy.byteLength + 3);
      shifted.set(legacy, 3);
      expectSameNumbers(decodeRow(shifted.subarray(3), BUCKETS_PER_ROW), row);
      expect(storedBuckets(legacy)).toBe(storedBuckets(encodeRow(row)));
    }
  });

  it('take an empty row as empty, and count stored buckets', () => {
    expectSameNumbers(decodeRow(new Uint8Array(0), 1), emptyBuckets(1));
    expectSameNumbers(decodeRow(encodeRow(emptyBuckets(4)), 4), emptyBuckets(4));
    const row = rowOf(random(3), false);
    let filled = 0;
    for (let o = 0; o < row.length; o += BUCKET_FIELDS) if (row[o] > 0) filled++;
    expect(storedBuckets(encodeRow(row))).toBe(filled);
  });

  it('store a bucket of ordinary points in under half the bytes of its float64s', () => {
    const next = random(5);
    const row = emptyBuckets(BUCKETS_PER_ROW);
    for (let b = 0; b < BUCKETS_PER_ROW; b++) {
      const o = b * BUCKET_FIELDS;
      for (let i = 0; i < 16; i++) {
        const step = b * 16 + i;
        if (row[o] === 0) row[o + 1] = step;
        row[o + 2] = step;
        row[o]++;
        keepPoint(row, o + KEPT, step, step, Math.sin(step) + next(), 1.7e12 + step * 1000, step);
      }
    }
    const legacy = BUCKETS_PER_ROW * (1 + BUCKET_FIELDS) * 8;
    expect(encodeRow(row).byteLength).toBeLessThan(legacy / 2);
    // The figure window reads plan with stays true.
    expect(encodeRow(row).byteLength / BUCKETS_PER_ROW).toBeGreaterThan(STORED_BUCKET_BYTES * 0.9);
    expect(encodeRow(row).byteLength / BUCKETS_PER_ROW).toBeLessThan(STORED_BUCKET_BYTES * 1.1);
  });
});
