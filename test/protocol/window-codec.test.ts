import { describe, expect, it } from 'vitest';
import { decodeSeriesWindow, encodeSeriesWindow, type SeriesWindow } from '../../src/protocol/index.js';
import {
  ByteReader,
  ByteWriter,
  readNumberColumn,
  writeNumberColumn,
} from '../../src/protocol/number-columns.js';

const window: SeriesWindow = {
  key: 'val/loss ✓',
  x: 'relative',
  from: -0.5,
  to: 1e15,
  columns: 1000,
  series: [
    {
      trialId: 'trial-ü',
      exact: true,
      raw: false,
      steps: [0, 1, 2, 3, 2 ** 40],
      values: [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1.000000000000001],
      timestamps: [1_700_000_000_000, 1_700_000_000_001, 0, 3, 4],
    },
    { trialId: 'empty', exact: false, raw: true, steps: [], values: [], timestamps: [] },
  ],
};

describe('series window codec', () => {
  it('round-trips every number exactly, NaN and ±Infinity and -0 included', () => {
    const decoded = decodeSeriesWindow(encodeSeriesWindow(window));
    expect(decoded).toEqual(window);
    expect(Object.is(decoded.series[0].values[3], -0)).toBe(true);
  });

  it('round-trips a window without series, from an ArrayBuffer at an offset', () => {
    const empty: SeriesWindow = { key: 'k', x: 'step', from: 0, to: 0, columns: 1, series: [] };
    const bytes = encodeSeriesWindow(empty);
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(decodeSeriesWindow(shifted.subarray(3))).toEqual(empty);
    expect(decodeSeriesWindow(bytes.slice().buffer)).toEqual(empty);
  });

  it('is smaller than the JSON of the same window', () => {
    const n = 4000;
    const big: SeriesWindow = {
      ...window,
      series: [
        {
          trialId: 't',
          exact: true,
          raw: false,
          steps: Array.from({ length: n }, (_, i) => i * 25),
          values: Array.from({ length: n }, (_, i) => Math.sin(i) / 3),
          timestamps: Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i * 1000),
        },
      ],
    };
    expect(encodeSeriesWindow(big).length).toBeLessThan(JSON.stringify(big).length);
  });

  it('gives back every column encoding exactly: integer deltas, float32 and float64', () => {
    const part = (steps: number[], values: number[], timestamps: number[]) => ({
      trialId: 't',
      exact: true,
      raw: true,
      steps,
      values,
      timestamps,
    });
    const mixed: SeriesWindow = {
      ...window,
      series: [
        // Integers going down, past 2^32, and at the edge of the safe range (too far apart for deltas).
        part(
          [5, 3, -7, 2 ** 40, -(2 ** 40), 0],
          [0.5, -2, 1e30, 3.4028234663852886e38, 0, 1],
          [0, 1, 2, 3, 4, 5],
        ),
        part([Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER], [Math.fround(0.1), 0.1], [1.5, -0]),
        part([0.25, 1], [Number.NaN, -0], [1_700_000_000_000.5, 1_700_000_000_001]),
      ],
    };
    const decoded = decodeSeriesWindow(encodeSeriesWindow(mixed));
    expect(decoded).toEqual(mixed);
    expect(Object.is(decoded.series[1].timestamps[1], -0)).toBe(true);
    expect(Object.is(decoded.series[2].values[1], -0)).toBe(true);
  });

  it('takes about a byte a point for regular integer steps and timestamps', () => {
    const n = 1000;
    const regular: SeriesWindow = {
      ...window,
      series: [
        {
          trialId: 't',
          exact: true,
          raw: false,
          steps: Array.from({ length: n }, (_, i) => i * 16),
          values: Array.from({ length: n }, (_, i) => Math.fround(i / 7)),
          timestamps: Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i * 100),
        },
      ],
    };
    // 1 byte a step, 2 a timestamp, 4 a float32 value, plus the header.
    expect(encodeSeriesWindow(regular).length).toBeLessThan(n * 7 + 100);
  });

  it('refuses truncated, foreign and padded bytes', () => {
    const bytes = encodeSeriesWindow(window);
    expect(() => decodeSeriesWindow(bytes.subarray(0, bytes.length - 1))).toThrow(/truncated/);
    expect(() => decodeSeriesWindow(new TextEncoder().encode('{"key":"k"}'))).toThrow(/not a trialkit/);
    const padded = new Uint8Array(bytes.length + 1);
    padded.set(bytes);
    expect(() => decodeSeriesWindow(padded)).toThrow(/trailing/);
  });

  it('reads deltas up to nine varint bytes, and refuses longer ones and deltas cut short', () => {
    const column = (...bytes: number[]) => new ByteReader(new Uint8Array([0, ...bytes]));
    // The widest deltas the writer uses (under 2^51 either way) come back exactly.
    const wide = [0, 2 ** 51 - 1, 1, -(2 ** 50), 7];
    const out = new ByteWriter();
    writeNumberColumn(out, wide);
    const written = out.finish();
    expect(written[0], 'written as deltas').toBe(0);
    expect(readNumberColumn(new ByteReader(written), wide.length)).toEqual(wide);
    // Nine bytes, the last continuing none: still a number (zero high bits).
    expect(readNumberColumn(column(0x82, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00), 1)).toEqual([1]);
    expect(() => readNumberColumn(column(...Array(9).fill(0x80), 0x01), 1)).toThrow(/too long/);
    expect(() => readNumberColumn(column(0x02, 0x84), 2)).toThrow(/truncated/);
    // A count far past the bytes fails at once, without reading a number per count.
    expect(() => readNumberColumn(column(0x02), 2 ** 31)).toThrow(/truncated/);
  });

  it('refuses a part whose columns differ in length', () => {
    const bad = { ...window, series: [{ ...window.series[0], steps: [1] }] };
    expect(() => encodeSeriesWindow(bad)).toThrow(RangeError);
  });
});
