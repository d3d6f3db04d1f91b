import { describe, expect, it } from 'vitest';
import { summarizePoints } from '../../../src/client/lod/summary.js';
import { type StoreChange, TrialStore } from '../../../src/client/store.js';
import type { SeriesWindow, SeriesWindowQuery } from '../../../src/protocol/index.js';
import { batch, study, trial } from '../fixtures.js';

const summaryOf = (trialId: string, key: string, steps: number[], values: number[]) =>
  summarizePoints(trialId, key, batch(trialId, key, steps, values))!;

/** A store fed a v2 snapshot: trial t1 has a summary of loss (5 points, best 0.2, last 0.3). */
function summarisedStore() {
  const store = new TrialStore({ schedule: () => {} });
  const changes: StoreChange[] = [];
  store.subscribe((change) => changes.push(change));
  store.applyTrusted({
    v: 2,
    seq: 1,
    type: 'snapshot',
    studies: [study('s')],
    trials: [trial('t1', 's')],
    metrics: [],
    summaries: [summaryOf('t1', 'loss', [0, 1, 2, 3, 4], [0.9, 0.5, 0.2, 0.4, 0.3])],
    sync: [],
  });
  store.flush();
  return { store, changes };
}

describe('TrialStore summaries', () => {
  it('answers last and best from a v2 snapshot without points', () => {
    const { store } = summarisedStore();
    expect(store.getSeries('t1', 'loss')).toBeUndefined();
    expect(store.lastValue('t1', 'loss')).toBe(0.3);
    expect(store.bestValue('t1', 'loss', 'minimize')).toBe(0.2);
    expect(store.bestValue('t1', 'loss', 'maximize')).toBe(0.9);
    expect(store.metricKeys('s')).toEqual(['loss']);
  });

  it('merges metrics.summary events and reports the series as changed', () => {
    const { store, changes } = summarisedStore();
    store.applyTrusted({
      v: 2,
      seq: 2,
      type: 'metrics.summary',
      summaries: [summaryOf('t1', 'loss', [5, 6], [0.1, 0.15])],
    });
    store.flush();
    expect(store.summaryOf('t1', 'loss')!.count).toBe(7);
    expect(store.lastValue('t1', 'loss')).toBe(0.15);
    expect(store.bestValue('t1', 'loss', 'minimize')).toBe(0.1);
    expect([...changes.at(-1)!.series.values()]).toEqual([{ trialId: 't1', key: 'loss', from: 0 }]);
  });

  it('counts raw points appended to a summarised series in its summary', () => {
    const { store } = summarisedStore();
    store.applyTrusted({ v: 2, seq: 2, type: 'metrics.append', batches: [batch('t1', 'loss', [5], [0.05])] });
    expect(store.summaryOf('t1', 'loss')!.count).toBe(6);
    expect(store.bestValue('t1', 'loss', 'minimize')).toBe(0.05);
    expect(store.getSeries('t1', 'loss')!.length).toBe(1);
  });

  it('summarises the raw points of v1 producers', () => {
    const store = new TrialStore({ schedule: () => {} });
    store.appendPoints('t1', 'acc', [0, 1, 2], [0.5, 0.9, 0.7], [1, 2, 3]);
    expect(store.summaryOf('t1', 'acc')).toMatchObject({
      count: 3,
      last: { value: 0.7 },
      max: { value: 0.9 },
    });
    expect(store.bestValue('t1', 'acc', 'maximize')).toBe(0.9);
  });
});

describe('TrialStore windows', () => {
  const query: SeriesWindowQuery = { studyId: 's', key: 'loss', x: 'step', columns: 100 };
  const answer: SeriesWindow = { key: 'loss', x: 'step', from: 0, to: 4, columns: 100, series: [] };

  it('fetches a window once while it is held, and refuses without a fetcher', async () => {
    const store = new TrialStore({ schedule: () => {} });
    await expect(store.fetchWindow(query)).rejects.toThrow(/cannot fetch windows/);
    const asked: SeriesWindowQuery[] = [];
    store.setWindowFetcher(async (q) => {
      asked.push(q);
      return answer;
    });
    expect(store.canFetchWindows).toBe(true);
    expect(await store.fetchWindow(query)).toBe(answer);
    expect(await store.fetchWindow({ ...query })).toBe(answer);
    expect(asked).toHaveLength(1);
    expect(store.windowBytes).toBeGreaterThan(0);
  });

  it('drops windows no chart shows once over its budget', async () => {
    const store = new TrialStore({ schedule: () => {}, windowBudgetBytes: 0 });
    store.setWindowFetcher(async () => answer);
    await store.fetchWindow(query);
    store.releaseWindow(query);
    expect(store.windowBytes).toBe(0);
  });

  it('holds fetches while the source reconnects for other point keys: a stale one is never sent, the replacement is', async () => {
    const store = new TrialStore({ schedule: () => {} });
    const asked: SeriesWindowQuery[] = [];
    store.setWindowFetcher(async (q) => {
      asked.push(q);
      return answer;
    });
    store.holdWindowFetches(5000);
    const first = new AbortController();
    const stale = store.fetchWindow(query, first.signal);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(asked, 'nothing sent while held').toHaveLength(0);
    // The reconnected stream's first event: every window is stale, the chart asks again.
    store.invalidateWindows();
    first.abort();
    const replacement = store.fetchWindow({ ...query, columns: 99 });
    await expect(stale).rejects.toThrow();
    expect(await replacement).toBe(answer);
    expect(asked.map((q) => q.columns)).toEqual([99]);
  });

  it('lets held fetches go after at most the hold, if the reconnection never says anything', async () => {
    const store = new TrialStore({ schedule: () => {} });
    store.setWindowFetcher(async () => answer);
    store.holdWindowFetches(30);
    const started = Date.now();
    expect(await store.fetchWindow(query)).toBe(answer);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('tells sources which metric keys charts show, once per change', () => {
    const store = new TrialStore({ schedule: () => {} });
    const heard: string[][] = [];
    store.onPointKeysChange((keys) => heard.push([...keys]));
    const hideLoss = store.showPoints('loss');
    const hideLossAgain = store.showPoints('loss');
    const hideAcc = store.showPoints('acc');
    hideLoss();
    hideLoss();
    hideLossAgain();
    hideAcc();
    expect(heard).toEqual([['loss'], ['acc', 'loss'], ['acc'], []]);
  });
});
