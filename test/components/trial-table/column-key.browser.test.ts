import { expect } from '@open-wc/testing';
import { ColumnKey } from '../../../src/components/trial-table/column-key.js';

describe('column keys', () => {
  it('keeps numbers and ranks text numerically aware, missing as NaN', () => {
    const key = new ColumnKey(4, (i) => ['run-10', 'run-2', undefined, 'run-1'][i]);
    expect(key.numeric).to.equal(false);
    expect([...key.data.subarray(0, 4)]).to.deep.equal([2, 1, Number.NaN, 0]);
    expect(new ColumnKey(2, (i) => [3, undefined][i]).numeric).to.equal(true);
  });

  it('refuses a value it cannot rank, so that the view rebuilds it', () => {
    const key = new ColumnKey(2, (i) => ['a', 'b'][i]);
    expect(key.set(0, 'b')).to.equal(true);
    expect(key.set(0, 'c')).to.equal(false);
    expect(new ColumnKey(1, () => 1).set(0, 'x')).to.equal(false);
  });
});
