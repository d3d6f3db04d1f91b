// A full series tail goes to the chunks and summaries in a transaction of its own, after the
// append that filled it: an append never writes chunks or summary rows (so it never waits for
// them), the flushes follow one series at a time, and every read stays exact meanwhile.
import { describe, expect, it } from 'vitest';
import { m4Columns } from '../../../../src/protocol/index.js';
import type { ColumnarPoints } from '../../../../src/sync/index.js';
import { openPglite } from '../../../../src/sync/storage/pglite.js';
import { createSqlStorage, type Queryable } from '../../../../src/sync/storage/sql/storage.js';
import { points, study, trial } from '../conformance.js';

/** What each transaction did: whether it extended tails, wrote chunks or summaries, flushed how many series. */
interface Tx {
  extends: boolean;
  writesChunks: boolean;
  writesSummaries: boolean;
  locks: number;
}

function recording(q: Queryable, tx: Tx): Queryable {
  return {
    async query(text, params) {
      if (text.includes('tail_steps = m.tail_steps ||')) tx.extends = true;
      if (/(INSERT INTO|UPDATE) metric_chunk/.test(text)) tx.writesChunks = true;
      if (/(INSERT INTO|UPDATE) series_summary/.test(text)) tx.writesSummaries = true;
      if (text.includes('FOR UPDATE')) tx.locks++;
      return q.query(text, params);
    },
  };
}

const slice = (p: ColumnarPoints, from: number, to: number): ColumnarPoints => ({
  steps: p.steps.slice(from, to),
  values: p.values.slice(from, to),
  timestamps: p.timestamps.slice(from, to),
});

describe('tail flushes', () => {
  it('go in transactions of their own after the appends, one series each, and lose nothing', async () => {
    const txs: Tx[] = [];
    const store = createSqlStorage(
      'memory',
      async () => {
        const driver = await openPglite();
        return {
          ...driver,
          transaction: (fn) => {
            const tx: Tx = { extends: false, writesChunks: false, writesSummaries: false, locks: 0 };
            txs.push(tx);
            return driver.transaction((q) => fn(recording(q, tx)));
          },
        };
      },
      { tailPoints: 16 },
    );
    const s = study();
    await store.upsertStudy(s);
    const trials = [trial(s.id, 0), trial(s.id, 1), trial(s.id, 2)];
    for (const t of trials) await store.upsertTrial(t);
    const all = points(600);
    // Appended in lockstep, five points at a time, as a live study does.
    for (let at = 0; at < all.steps.length; at += 5) {
      await store.appendPointsMany(
        trials.map((t) => ({ trialId: t.id, key: 'loss', points: slice(all, at, at + 5) })),
      );
      const series = await store.readSeries(trials[at % 3].id, 'loss');
      expect(series.steps).toEqual(all.steps.slice(0, at + 5));
    }
    const window = { studyId: s.id, key: 'loss', x: 'step' as const, from: 0, to: 599, columns: 50 };
    const expected = m4Columns(all, 'step', 0, 599, 50);
    for (const part of (await store.getSeriesWindow(window)).series)
      expect(part.values).toEqual(expected.values);
    await store.close();

    const appends = txs.filter((tx) => tx.extends);
    const flushes = txs.filter((tx) => tx.writesChunks);
    expect(appends.length).toBeGreaterThanOrEqual(120);
    // The flushes kept up: no append had to flush a tail itself.
    for (const tx of appends) expect([tx.writesChunks, tx.writesSummaries]).toEqual([false, false]);
    // 600 points in tails of 9 to 16 points, each flushed at up to twice that: dozens of flushes per
    // series, each its own transaction of one series.
    expect(flushes.length).toBeGreaterThanOrEqual(3 * (600 / 32));
    for (const tx of flushes) expect([tx.locks, tx.writesSummaries, tx.extends]).toEqual([1, true, false]);
  });
});
