import { expect } from '@open-wc/testing';
import { TrialStore } from '../../../src/client/store.js';
import { ColumnKey } from '../../../src/components/trial-table/column-key.js';
import {
  availableColumns,
  type ColumnContext,
  learnParams,
} from '../../../src/components/trial-table/columns.js';
import { csvField, toCsv } from '../../../src/components/trial-table/csv.js';
import { radixSort } from '../../../src/components/trial-table/radix-sort.js';
import { comparator, type SortSpec, toggleSort } from '../../../src/components/trial-table/sort.js';
import { TrialView } from '../../../src/components/trial-table/trial-view.js';
import { seededRandom, studySnapshot } from '../../fixtures/studies.js';

describe('table model', () => {
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

    it('radix-sorts into exactly the comparator order, with NaN, ±0, ±Infinity and ties', () => {
      const r = seededRandom(5);
      const specials = [Number.NaN, -0, 0, Infinity, -Infinity, 1, -1, 5e-324, -1e300];
      for (let round = 0; round < 100; round++) {
        const n = 1 + Math.floor(r() * 400);
        const column = () =>
          new ColumnKey(n, () =>
            r() < 0.3
              ? specials[Math.floor(r() * specials.length)]
              : r() < 0.1
                ? undefined
                : Math.round(r() * 8) - 4,
          );
        const keys = [
          { key: column(), direction: r() < 0.5 ? 'asc' : 'desc' },
          { key: column(), direction: r() < 0.5 ? 'asc' : 'desc' },
        ] as const;
        const expected = Uint32Array.from({ length: n }, (_, i) => i).sort(comparator(keys));
        const actual = Uint32Array.from({ length: n }, (_, i) => i);
        radixSort(actual, keys);
        expect([...actual]).to.deep.equal([...expected]);
      }
    });
  });

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
      expect(csvField(Number.NaN)).to.equal('');
      expect(csvField(undefined)).to.equal('');
    });
  });

  describe('trial view', () => {
    it('after random live updates, holds exactly the order a fresh view computes', () => {
      const store = new TrialStore({ schedule: () => {} });
      store.applyTrusted(studySnapshot({ trials: 2000, params: 6, points: 3, studyId: 's' }));
      const params = new Map<string, boolean>();
      for (const t of store.trialsOf('s')) learnParams(params, t);
      const columns = availableColumns(store.getStudy('s'), store.metricKeys('s'), params);
      const byId = new Map(columns.map((c) => [c.id, c]));
      const context = (): ColumnContext => ({
        store,
        study: store.getStudy('s'),
        metricValue: 'last',
        now: 0,
      });
      const sort: SortSpec[] = [
        { column: 'param:optimizer', direction: 'desc' },
        { column: 'metric:val_loss', direction: 'asc' },
      ];
      const filters = { metrics: [{ key: 'loss', max: 0.6 }] };
      const live = new TrialView((id) => byId.get(id), context);
      live.reset(store.trialsOf('s'), sort, filters);
      const r = seededRandom(9);
      for (let i = 0; i < 500; i++) {
        const trial = store.getTrial(`s-t${Math.floor(r() * 2000)}`)!;
        if (i % 3 === 0) store.appendPoints(trial.id, 'val_loss', [100 + i], [r()], [1]);
        else if (i % 3 === 1) store.appendPoints(trial.id, 'loss', [100 + i], [r()], [1]);
        else
          store.applyTrusted({
            v: 1,
            seq: i,
            type: 'trial.upsert',
            trial: { ...trial, params: { ...trial.params, optimizer: r() < 0.5 ? 'sgd' : 'nadam' } },
          });
        live.upsert(store.getTrial(trial.id)!);
      }
      const fresh = new TrialView((id) => byId.get(id), context);
      fresh.reset(store.trialsOf('s'), sort, filters);
      expect([...live].map((t) => t.id)).to.deep.equal([...fresh].map((t) => t.id));
      expect(live.positionOf([...fresh][17].id)).to.equal(17);
    });
  });
});
