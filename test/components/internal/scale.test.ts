// Our two scales against d3-scale's (a dev dependency, kept as the reference): the same positions,
// inverses, ticks and nice bounds; labels with as many decimals as d3's default `,f` format.
import { scaleLinear, scaleLog } from 'd3-scale';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  linearScale,
  logScale,
  niceLinearDomain,
  niceLogDomain,
} from '../../../src/components/internal/scale.js';

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
// Values as charts meet them: no denormals, and domains wider than float noise.
const value = fc.double({ min: -1e7, max: 1e7, noNaN: true }).filter((v) => v === 0 || Math.abs(v) > 1e-9);
const positive = fc.double({ min: 1e-6, max: 1e9, noNaN: true });
const count = fc.integer({ min: 1, max: 20 });
const range = fc
  .tuple(fc.integer({ min: -500, max: 500 }), fc.integer({ min: 1, max: 2000 }))
  .map(([r0, width]) => [r0, r0 + width] as const);
const wide = (a: number, b: number) => b - a > 1e-6 * Math.max(Math.abs(a), Math.abs(b), 1e-3);

describe('linear scale', () => {
  it('maps, inverts, ticks and nices as d3-scale does', () => {
    fc.assert(
      fc.property(value, value, count, range, value, (a, b, n, [r0, r1], v) => {
        fc.pre(wide(a, b));
        const ours = linearScale([a, b], [r0, r1]);
        const d3 = scaleLinear().domain([a, b]).range([r0, r1]);
        expect(close(ours(v), d3(v))).toBe(true);
        expect(close(ours.invert(r0 + (r1 - r0) / 3), d3.invert(r0 + (r1 - r0) / 3))).toBe(true);
        expect(ours.ticks(n)).toEqual(d3.ticks(n));
        const [lo, hi] = niceLinearDomain([a, b], n);
        const [dlo, dhi] = scaleLinear().domain([a, b]).nice(n).domain();
        expect(close(lo, dlo) && close(hi, dhi)).toBe(true);
      }),
    );
  });

  it("labels ticks with d3's default decimals and thousands separators", () => {
    fc.assert(
      fc.property(value, value, count, (a, b, n) => {
        // Domains within 1e-5 of zero are written with an exponent (below).
        fc.pre(wide(a, b) && Math.max(Math.abs(a), Math.abs(b)) >= 1e-5);
        const ours = linearScale([a, b], [0, 1]);
        const d3 = scaleLinear().domain([a, b]);
        const mine = ours.tickFormat(n);
        const theirs = d3.tickFormat(n);
        // d3 writes the minus sign as U+2212; we keep ASCII, as the rest of the page does.
        for (const t of ours.ticks(n)) expect(mine(t)).toBe(theirs(t).replace('\u2212', '-'));
      }),
    );
  });

  it('labels whole steps without decimals and maps a one-value domain to mid-range', () => {
    expect(linearScale([0, 1000], [0, 1]).tickFormat(5, true)(1000)).toBe('1,000');
    expect(linearScale([0, 1], [0, 1]).tickFormat(10)(0.5)).toBe('0.5');
    expect(linearScale([0, 1], [0, 1]).tickFormat(10)(-0.0001)).toBe('0.0');
    expect(linearScale([3, 3], [0, 100])(3)).toBe(50);
  });

  it('labels huge and tiny domains with an exponent, each tick its own label', () => {
    for (const domain of [
      [0, 1e300],
      [-3e15, 5e15],
      [1e-300, 1e-298],
      [0, 4e-7],
    ] as const) {
      const scale = linearScale(domain, [0, 1]);
      const labels = scale.ticks(10).map(scale.tickFormat(10));
      expect(new Set(labels).size, String(domain)).toBe(labels.length);
      for (const label of labels) expect(label, String(domain)).toMatch(/^(0|-?\d(\.\d+)?E-?\d+)$/);
    }
    expect(linearScale([0, 1e300], [0, 1]).tickFormat(5)(5e299)).toBe('5E299');
    expect(linearScale([0, 4e-7], [0, 1]).tickFormat(10)(1.5e-7)).toBe('1.5E-7');
    expect(linearScale([0, 1e300], [0, 1]).tickFormat(10)(1e300)).toBe('1.0E300');
  });

  it('keeps bounds finite for values near Number.MAX_VALUE and the smallest positive one', () => {
    const [lo, hi] = niceLinearDomain([-Number.MAX_VALUE, Number.MAX_VALUE]);
    expect(Number.isFinite(hi - lo)).toBe(true);
    const scale = linearScale([lo, hi], [0, 1]);
    expect(scale(0)).toBeCloseTo(0.5);
    expect(scale.ticks(5).map(scale.tickFormat(5))).not.toContain('NaN');
    const [low, high] = niceLogDomain([5e-324, Number.MAX_VALUE]);
    expect(low).toBeGreaterThan(0);
    expect(Number.isFinite(high)).toBe(true);
  });
});

describe('log scale', () => {
  it('maps, inverts, ticks and nices as d3-scale does', () => {
    fc.assert(
      fc.property(positive, positive, count, range, positive, (a, b, n, [r0, r1], v) => {
        fc.pre(wide(a, b));
        const ours = logScale([a, b], [r0, r1]);
        const d3 = scaleLog().domain([a, b]).range([r0, r1]);
        expect(close(ours(v), d3(v))).toBe(true);
        expect(close(ours.invert(r0 + (r1 - r0) / 3), d3.invert(r0 + (r1 - r0) / 3))).toBe(true);
        const mine = ours.ticks(n);
        const theirs = d3.ticks(n);
        expect(mine.length).toBe(theirs.length);
        expect(mine.every((t, i) => close(t, theirs[i]))).toBe(true);
        const [lo, hi] = niceLogDomain([a, b]);
        const [dlo, dhi] = scaleLog().domain([a, b]).nice().domain();
        expect(close(lo, dlo) && close(hi, dhi)).toBe(true);
      }),
    );
  });

  it('labels decades and the first multiples of each when a decade is crowded, as numbers not SI prefixes', () => {
    const scale = logScale([0.001, 1000], [0, 1]);
    const format = scale.tickFormat(10);
    const labels = scale.ticks(10).map(format).filter(Boolean);
    expect(labels).toContain('0.001');
    expect(labels).toContain('1000');
    expect(labels).not.toContain('9');
    const few = logScale([1, 10], [0, 1]);
    expect(few.ticks(10).map(few.tickFormat(10))).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
      '10',
    ]);
  });
});
