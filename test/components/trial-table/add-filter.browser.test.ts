// The "Add filter" form's values field: commas separate values, except inside brackets or quotes.
import { expect } from '@open-wc/testing';
import { splitValues } from '../../../src/components/trial-table/add-filter.js';

describe('add-filter values', () => {
  it('splits on commas, keeping bracketed and quoted commas in their value', () => {
    expect(splitValues('adam, sgd')).to.deep.equal(['adam', 'sgd']);
    expect(splitValues('(0.9, 0.999), (0.9, 0.98)')).to.deep.equal(['(0.9, 0.999)', '(0.9, 0.98)']);
    expect(splitValues('[1, [2, 3]], {"a": 1, "b": 2}')).to.deep.equal(['[1, [2, 3]]', '{"a": 1, "b": 2}']);
    expect(splitValues('"a, b", \'c,d\', e')).to.deep.equal(['a, b', 'c,d', 'e']);
    expect(splitValues(' , ,x,')).to.deep.equal(['x']);
    expect(splitValues('')).to.deep.equal([]);
    // Unbalanced input still gives every character back, in one value.
    expect(splitValues('(0.9, 0.999')).to.deep.equal(['(0.9, 0.999']);
    expect(splitValues('"a, b')).to.deep.equal(['"a, b']);
  });
});
