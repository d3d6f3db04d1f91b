import { expect } from '@open-wc/testing';
import { formatNumber } from '../../../src/components/internal/format.js';
import { formatX } from '../../../src/components/metrics-chart/scales.js';
import { formatParam } from '../../../src/components/trial-dashboard/compare.js';
import { compareKit } from '../../../src/components/trial-dashboard/compare-kit.js';

describe('formatNumber', () => {
  it('writes integers as they are, without grouping', () => {
    expect(formatNumber(123456)).to.equal('123456');
    expect(formatNumber(-42)).to.equal('-42');
    expect(formatNumber(0)).to.equal('0');
  });

  it('keeps five significant digits of other numbers', () => {
    expect(formatNumber(0.052643)).to.equal('0.052643');
    expect(formatNumber(1234.5678)).to.equal('1234.6');
    expect(formatNumber(2 / 3)).to.equal('0.66667');
  });

  it('switches to an exponent for the very small and the very large', () => {
    expect(formatNumber(0.0000123456)).to.equal('1.235E-5');
    expect(formatNumber(1.5e12)).to.equal('1.5E12');
    expect(formatNumber(2.5e9 + 0.5)).to.equal('2.5E9');
  });

  it('spells NaN and the infinities, and leaves undefined empty', () => {
    expect(formatNumber(Number.NaN)).to.equal('NaN');
    expect(formatNumber(Number.POSITIVE_INFINITY)).to.equal('Infinity');
    expect(formatNumber(Number.NEGATIVE_INFINITY)).to.equal('-Infinity');
    expect(formatNumber(undefined)).to.equal('');
  });

  it('is what the tooltip, the table cells and the compare panel show', () => {
    for (const value of [0.052643, 123456, 0.0000123456, 1234.5678]) {
      expect(formatParam(value, compareKit)).to.equal(formatNumber(value));
    }
    // Relative time reads as a duration, as the table's column and the axis' minutes and hours do.
    expect(formatX('relative', 600)).to.equal('10m 00s');
    expect(formatX('relative', 4.56)).to.equal('4.6s');
    expect(formatX('relative', 3725)).to.equal('1h 02m');
    // A step is an integer: it reads as itself, not rounded to five digits.
    expect(formatX('step', 123456)).to.equal('123456');
  });
});
