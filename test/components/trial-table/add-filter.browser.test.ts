// The "Add filter" form's fields read into filters: commas separate values, except inside brackets
// or quotes; bounds typed the wrong way round are the range between them.
import { expect } from '@open-wc/testing';
import { applyForm, splitValues } from '../../../src/components/trial-table/add-filter.js';
import type { TableColumn } from '../../../src/components/trial-table/columns.js';

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

  it('reads a range typed the wrong way round as the range between its bounds', () => {
    const form = (fields: Record<string, string>) => {
      const data = new FormData();
      for (const [k, v] of Object.entries(fields)) data.set(k, v);
      return data;
    };
    const metric = { key: 'loss', kind: 'metric' } as TableColumn;
    const param = { key: 'lr', kind: 'param' } as TableColumn;
    expect(applyForm({}, metric, form({ min: '1', max: '0.1' }))?.metrics).to.deep.equal([
      { key: 'loss', min: 0.1, max: 1 },
    ]);
    expect(applyForm({}, param, form({ min: '0.5', max: '0.05' }))?.params).to.deep.equal([
      { name: 'lr', values: undefined, min: 0.05, max: 0.5 },
    ]);
    expect(applyForm({}, metric, form({ max: '-2' }))?.metrics).to.deep.equal([
      { key: 'loss', min: undefined, max: -2 },
    ]);
  });
});
