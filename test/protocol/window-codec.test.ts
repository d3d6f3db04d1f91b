import { describe, expect, it } from 'vitest';
import { decodeSeriesWindow, encodeSeriesWindow, type SeriesWindow } from '../../src/protocol/index.js';

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

  it('refuses truncated, foreign and padded bytes', () => {
    const bytes = encodeSeriesWindow(window);
    expect(() => decodeSeriesWindow(bytes.subarray(0, bytes.length - 1))).toThrow(/truncated/);
    expect(() => decodeSeriesWindow(new TextEncoder().encode('{"key":"k"}'))).toThrow(/not a trialkit/);
    const padded = new Uint8Array(bytes.length + 1);
    padded.set(bytes);
    expect(() => decodeSeriesWindow(padded)).toThrow(/trailing/);
  });

  it('refuses a part whose columns differ in length', () => {
    const bad = { ...window, series: [{ ...window.series[0], steps: [1] }] };
    expect(() => encodeSeriesWindow(bad)).toThrow(RangeError);
  });
});
