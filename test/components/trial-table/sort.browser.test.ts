import { expect } from '@open-wc/testing';
import { type SortSpec, toggleSort } from '../../../src/components/trial-table/sort.js';

describe('sorting', () => {
  it('cycles a plain header click through ascending, descending and unsorted', () => {
    let sort: SortSpec[] = [];
    sort = toggleSort(sort, 'a', false);
    expect(sort).to.deep.equal([{ column: 'a', direction: 'asc' }]);
    sort = toggleSort(sort, 'a', false);
    expect(sort).to.deep.equal([{ column: 'a', direction: 'desc' }]);
    expect(toggleSort(sort, 'a', false)).to.deep.equal([]);
    expect(toggleSort(sort, 'b', false)).to.deep.equal([{ column: 'b', direction: 'asc' }]);
  });

  it('adds, flips and drops columns with shift-click, keeping the others', () => {
    let sort: SortSpec[] = [{ column: 'a', direction: 'asc' }];
    sort = toggleSort(sort, 'b', true);
    expect(sort.map((s) => s.column)).to.deep.equal(['a', 'b']);
    sort = toggleSort(sort, 'a', true);
    expect(sort).to.deep.equal([
      { column: 'a', direction: 'desc' },
      { column: 'b', direction: 'asc' },
    ]);
    expect(toggleSort(sort, 'a', true)).to.deep.equal([{ column: 'b', direction: 'asc' }]);
  });
});
