import { expect } from '@open-wc/testing';
import { csvField, toCsv } from '../../../src/components/trial-table/csv.js';

describe('CSV', () => {
  it('quotes per RFC 4180 and ends lines with CRLF', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', 'say "hi"'],
          ['line\nbreak', 3],
        ],
      ),
    ).to.equal('a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak",3\r\n');
  });

  it('escapes text that a spreadsheet would run, and leaves numbers raw', () => {
    expect(csvField('=1+1')).to.equal("'=1+1");
    expect(csvField('-x')).to.equal("'-x");
    expect(csvField('@SUM(A1)')).to.equal("'@SUM(A1)");
    expect(csvField('\tx')).to.equal("'\tx");
    expect(csvField('\rx')).to.equal('"\'\rx"');
    expect(csvField(-1.5)).to.equal('-1.5');
    for (const number of ['-0.5', '+3', '-1e-3', '-.5', '1E+6'])
      expect(csvField(number), 'a number in text').to.equal(number);
    for (const formula of ['-1+cmd|calc', '+3 ', '-2-1', '-e3', '-'])
      expect(csvField(formula), 'not a plain number').to.equal(`'${formula}`);
    expect(csvField(Number.NaN)).to.equal('NaN');
    expect(csvField(Number.POSITIVE_INFINITY)).to.equal('Infinity');
    expect(csvField(Number.NEGATIVE_INFINITY)).to.equal('-Infinity');
    expect(csvField(undefined)).to.equal('');
  });
});
