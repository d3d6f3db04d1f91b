import { expect } from '@open-wc/testing';
import { TrialStore } from '../../../src/client/index.js';
import {
  availableColumns,
  type ColumnContext,
  learnParams,
} from '../../../src/components/trial-table/columns.js';
import type { SortSpec } from '../../../src/components/trial-table/sort.js';
import { TrialView } from '../../../src/components/trial-table/trial-view.js';
import { seededRandom, studySnapshot } from '../../fixtures/studies.js';

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
