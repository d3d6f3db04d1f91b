/**
 * The two continuous scales the components draw with — linear and log (base 10) — mapping a
 * domain onto a range, with round ticks and their labels. d3-array supplies the tick arithmetic;
 * the rest is a few lines, so a page does not load d3-scale's interpolators and colour parsing
 * (a third of the chart's upfront code) for two straight-line maps. d3-array is pinned at 3.2.4:
 * 3.2.5 ships a single prebuilt file whose top-level calls (bisectors, blurs) no bundler can drop,
 * 2.3 KB of unused code in every page; 3.2.4's modules shake down to these three functions.
 */
import { ticks as linearTicks, tickIncrement, tickStep } from 'd3-array';
import { formatNumber } from './format.js';

export type Domain = readonly [number, number];

/** A map from domain values to range positions, and back. */
export interface Scale {
  (value: number): number;
  invert(position: number): number;
  domain(): Domain;
  /** About `count` round values within the domain, ascending. */
  ticks(count?: number): number[];
  /**
   * A label for each of `ticks(count)`: as many decimals as the ticks' spacing needs (`integers`:
   * none). A log scale with many ticks labels the first few of each decade and gives the others ''.
   */
  tickFormat(count?: number, integers?: boolean): (value: number) => string;
}

/** A linear scale from `domain` to `range`. A domain of one value maps to the middle of the range. */
export function linearScale(domain: Domain, range: Domain): Scale {
  return continuous(domain, range, identity, identity, {
    ticks: (count) => linearTicks(domain[0], domain[1], count),
    tickFormat: (count, integers) => {
      const magnitude = Math.max(Math.abs(domain[0]), Math.abs(domain[1]));
      // Written out, 1e300 fills the chart and 1e-300 reads 0: an exponent, as `formatNumber` has.
      if (magnitude >= 1e12 || magnitude < 1e-5) return exponentFormat(domain, count);
      return fixedFormat(integers ? 0 : decimalsFor(domain, count));
    },
  });
}

/** A log (base 10) scale from `domain` (positive) to `range`. */
export function logScale(domain: Domain, range: Domain): Scale {
  const ticks = (count: number) => logTicks(domain, count);
  return continuous(domain, range, Math.log10, (v) => 10 ** v, {
    ticks,
    tickFormat: (count) => {
      // Label the mantissas up to `shown` in each decade (1 and 2 when decades are crowded).
      const all = ticks(count);
      const shown = Math.max(1, (10 * count) / Math.max(1, all.length));
      return (value) => {
        const mantissa = value / power(Math.floor(Math.log10(value) + 1e-9));
        return mantissa <= shown + 1e-9 ? formatNumber(value) : '';
      };
    },
  });
}

/**
 * `domain` widened to multiples of its tick step for about `count` ticks. Widening can change the
 * step, so it repeats until the step holds; a domain whose step never settles (a tiny one around
 * zero doubles each round) is kept as it is.
 */
export function niceLinearDomain(domain: Domain, count = 10): Domain {
  // A span past Number.MAX_VALUE maps every value to one end: halves of it (values beyond are clipped).
  if (!Number.isFinite(domain[1] - domain[0]))
    domain = [Math.max(domain[0], -HALF_MAX), Math.min(domain[1], HALF_MAX)];
  let [lo, hi] = domain;
  let previous: number | undefined;
  for (let round = 0; round < 10; round++) {
    const step = tickIncrement(lo, hi, count);
    if (step === previous) return [lo, hi];
    if (!Number.isFinite(step) || step === 0) break;
    // A negative increment is the reciprocal of a step below one: dividing keeps 0.1 exact.
    if (step > 0) [lo, hi] = [Math.floor(lo / step) * step, Math.ceil(hi / step) * step];
    else [lo, hi] = [Math.ceil(lo * step) / step, Math.floor(hi * step) / step];
    previous = step;
  }
  return domain;
}

const HALF_MAX = Number.MAX_VALUE / 2;

/** `domain` (positive) widened to whole decades. */
export function niceLogDomain(domain: Domain): Domain {
  // Decades 10^-307…10^308: past them a bound would be 0 or Infinity (values near Number.MAX_VALUE).
  const decade = (v: number) => Math.min(308, Math.max(-307, v));
  return [power(decade(Math.floor(Math.log10(domain[0])))), power(decade(Math.ceil(Math.log10(domain[1]))))];
}

/** 10^e for a whole e, exact for negative e too (1 / 1000 is 0.001; 10 ** -3 may not be). */
const power = (e: number) => (e < 0 ? 1 / 10 ** -e : 10 ** e);

const identity = (v: number) => v;

/** How a scale picks its ticks and labels them. */
interface TickRules {
  ticks(count: number): number[];
  tickFormat(count: number, integers: boolean): (value: number) => string;
}

function continuous(
  domain: Domain,
  range: Domain,
  transform: (v: number) => number,
  untransform: (v: number) => number,
  rules: TickRules,
): Scale {
  const t0 = transform(domain[0]);
  const span = transform(domain[1]) - t0;
  const [r0, r1] = range;
  const scale = ((value: number) =>
    span ? r0 + ((transform(value) - t0) / span) * (r1 - r0) : (r0 + r1) / 2) as Scale;
  return Object.assign(scale, {
    invert: (position: number) => untransform(r1 === r0 ? t0 : t0 + ((position - r0) / (r1 - r0)) * span),
    domain: () => domain,
    ticks: (count = 10) => rules.ticks(count),
    tickFormat: (count = 10, integers = false) => rules.tickFormat(count, integers),
  });
}

/** Decimals that tell apart ticks `tickStep` apart (0.05 → 2, 0.2 → 1, 5 → 0). */
function decimalsFor([a, b]: Domain, count: number): number {
  const step = Math.abs(tickStep(a, b, count));
  return step > 0 && Number.isFinite(step) ? Math.max(0, -Math.floor(Math.log10(step) + 1e-9)) : 0;
}

/** Each tick's mantissa with the digits the ticks' spacing needs (`1.5E300`, `2E-7`); zero as `0`. */
function exponentFormat([a, b]: Domain, count: number): (value: number) => string {
  const exponent = (v: number) => Math.floor(Math.log10(Math.abs(v)) + 1e-9);
  const step = exponent(tickStep(a, b, count));
  return (value) =>
    value ? value.toExponential(Math.min(20, Math.max(0, exponent(value) - step))).replace(/e\+?/, 'E') : '0';
}

const formats = new Map<number, Intl.NumberFormat>();

/** Numbers with exactly `decimals` decimals and thousands separators (`1,000`, `0.50`). */
function fixedFormat(decimals: number): (value: number) => string {
  const digits = Math.min(decimals, 20);
  let format = formats.get(digits);
  if (!format) {
    format = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
    formats.set(digits, format);
  }
  const f = format;
  // `-0` and values rounding to zero read "0", not "-0".
  return (value) => f.format(value).replace(/^-(?=0(\.0*)?$)/, '');
}

/**
 * Log ticks: when the domain spans fewer decades than `count`, every 1–9 multiple of each decade
 * within it (or linear ticks when that gives too few); else whole decades, spaced to about `count`.
 */
function logTicks([lo, hi]: Domain, count: number): number[] {
  if (!(lo > 0 && hi >= lo)) return [];
  const first = Math.log10(lo);
  const last = Math.log10(hi);
  if (last - first < count) {
    const out: number[] = [];
    for (let decade = Math.floor(first); decade <= Math.ceil(last); decade++) {
      for (let mantissa = 1; mantissa < 10; mantissa++) {
        // Dividing by a power of ten keeps 0.3 exact where 3 * 0.1 would not be.
        const value = decade < 0 ? mantissa / 10 ** -decade : mantissa * 10 ** decade;
        if (value >= lo && value <= hi) out.push(value);
      }
    }
    return out.length * 2 < count ? linearTicks(lo, hi, count) : out;
  }
  return linearTicks(first, last, Math.min(last - first, count))
    .filter(Number.isInteger)
    .map(power);
}
