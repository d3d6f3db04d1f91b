// Group commit of appendMetrics: appends called together land in one transaction, each caller
// gets its own result and its own event in call order, and a failing group is retried member by
// member so a bad append fails alone (nothing lost, nothing doubled).
import { describe, expect, it } from 'vitest';
import type { TrialEvent } from '../../src/protocol/index.js';
import { NotFoundError, type Storage, type StorageOps } from '../../src/sync/index.js';
import { curve, engineFixture } from './helpers.js';
import { study, trial } from './storage/conformance.js';

const fixture = engineFixture({ enabled: false });

/** The fixture's store, counting transactions, whose appends to `poisoned` trials fail as a broken store would. */
function faultyStore(poisoned: Set<string>) {
  const real = fixture.storage;
  const count = { transactions: 0 };
  const refuse = (trialIds: string[]) => {
    if (trialIds.some((id) => poisoned.has(id))) throw new Error('disk full');
  };
  const storage: Storage = Object.create(real, {
    transaction: {
      value: <T>(fn: (tx: StorageOps) => Promise<T>) =>
        real.transaction((tx) => {
          count.transactions++;
          return fn(
            Object.create(tx, {
              appendPoints: {
                value: (trialId: string, ...rest: [string, never]) => {
                  refuse([trialId]);
                  return tx.appendPoints(trialId, ...rest);
                },
              },
              appendPointsMany: {
                value: (appends: Parameters<StorageOps['appendPointsMany']>[0]) => {
                  refuse(appends.map((a) => a.trialId));
                  return tx.appendPointsMany(appends);
                },
              },
            }),
          );
        }),
    },
  });
  return { storage, count };
}

async function setup(trials: number, storage: Storage) {
  const s = study();
  await storage.upsertStudy(s);
  const ts = Array.from({ length: trials }, (_, i) => trial(s.id, i));
  for (const t of ts) await storage.upsertTrial(t);
  return ts;
}

describe('group commit of appendMetrics', () => {
  it('stores concurrent appends in one transaction, each with its own result and event, in call order', async () => {
    const { storage, count } = faultyStore(new Set());
    const e = fixture.engine({ storage });
    const ts = await setup(50, storage);
    await e.appendMetrics(ts[0].id, 'loss', curve(3));
    const events: TrialEvent[] = [];
    e.subscribe((event) => events.push(event));
    const before = count.transactions;
    // Two rounds, called at once; trial 0 gets two appends in one group.
    const calls = [
      ...ts.map((t, i) => e.appendMetrics(t.id, 'loss', curve(1, 3 + (i === 0 ? 0 : 100)))),
      e.appendMetrics(ts[0].id, 'loss', curve(2, 4)),
    ];
    const totals = await Promise.all(calls);
    expect(count.transactions - before).toBe(1);
    expect(totals).toEqual([4, ...ts.slice(1).map(() => 1), 6]);
    expect(events.map((ev) => ev.seq)).toEqual(events.map((_, i) => events[0].seq + i));
    const batches = events.flatMap((ev) => (ev.type === 'metrics.append' ? ev.batches : []));
    expect(batches.map((b) => [b.trialId, b.steps])).toEqual([
      [ts[0].id, [3]],
      ...ts.slice(1).map((t) => [t.id, [103]]),
      [ts[0].id, [4, 5]],
    ]);
    expect(Array.from((await storage.readSeries(ts[0].id, 'loss')).steps)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('fails an append to a missing trial alone, in the same transaction as the others', async () => {
    const { storage, count } = faultyStore(new Set());
    const e = fixture.engine({ storage });
    const ts = await setup(3, storage);
    await e.appendMetrics(ts[0].id, 'loss', curve(1));
    const before = count.transactions;
    const settled = await Promise.allSettled([
      e.appendMetrics(ts[0].id, 'loss', curve(1, 1)),
      e.appendMetrics('no-such-trial', 'loss', curve(1)),
      e.appendMetrics(ts[1].id, 'loss', curve(2)),
    ]);
    expect(count.transactions - before).toBe(1);
    expect(settled[0]).toEqual({ status: 'fulfilled', value: 2 });
    expect(settled[1].status === 'rejected' && settled[1].reason).toBeInstanceOf(NotFoundError);
    expect(settled[2]).toEqual({ status: 'fulfilled', value: 2 });
  });

  it('retries a failed group one by one: the bad append fails alone, the others land once', async () => {
    const poisoned = new Set<string>();
    const { storage } = faultyStore(poisoned);
    const e = fixture.engine({ storage });
    const ts = await setup(4, storage);
    poisoned.add(ts[2].id);
    const events: TrialEvent[] = [];
    e.subscribe((event) => events.push(event));
    const settled = await Promise.allSettled(ts.map((t) => e.appendMetrics(t.id, 'loss', curve(2))));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(settled[2].status === 'rejected' && (settled[2].reason as Error).message).toBe('disk full');
    const lengths = await Promise.all(
      ts.map(async (t) => (await storage.readSeries(t.id, 'loss')).steps.length),
    );
    expect(lengths).toEqual([2, 2, 0, 2]);
    // One event per landed append, none from the rolled-back group, numbered without gaps.
    const batches = events.flatMap((ev) => (ev.type === 'metrics.append' ? ev.batches : []));
    expect(batches.map((b) => b.trialId)).toEqual([ts[0].id, ts[1].id, ts[3].id]);
    expect(events.map((ev) => ev.seq)).toEqual(events.map((_, i) => events[0].seq + i));
  });

  it("queues each changed trial's push once per group, with sync on", async () => {
    const e = fixture.engine({ enabled: true });
    // Trials written straight to the store: no push queued yet.
    const ts = await setup(3, fixture.storage);
    const mine = async () =>
      (await fixture.storage.listJobs('queued')).filter((j) => ts.some((t) => j.subject === `trial:${t.id}`));
    const events: TrialEvent[] = [];
    e.subscribe((event) => events.push(event));
    await Promise.all([
      e.appendMetrics(ts[0].id, 'loss', curve(1)),
      e.appendMetrics(ts[1].id, 'loss', curve(1)),
      e.appendMetrics(ts[0].id, 'acc', curve(1)),
    ]);
    const queued = await mine();
    expect(queued.map((j) => j.subject).sort()).toEqual([`trial:${ts[0].id}`, `trial:${ts[1].id}`].sort());
    expect(
      events.filter((ev) => ev.type === 'sync.state').map((ev) => ev.type === 'sync.state' && ev.trialId),
    ).toEqual([ts[0].id, ts[1].id]);
  });

  it('keeps call order with other writes: an append after a trial upsert sees the trial', async () => {
    const e = fixture.engine();
    const s = await e.upsertStudy(study());
    const t0 = await e.upsertTrial(trial(s.id, 0));
    const t1 = trial(s.id, 1);
    const first = e.appendMetrics(t0.id, 'loss', curve(1));
    const upsert = e.upsertTrial(t1);
    const second = e.appendMetrics(t1.id, 'loss', curve(1));
    const third = e.appendMetrics(t0.id, 'loss', curve(1, 1));
    await upsert;
    expect(await Promise.all([first, second, third])).toEqual([1, 1, 2]);
  });
});
