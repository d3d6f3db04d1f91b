// The relay `trialkit serve` streams: stores filled by MLflow polling, turned back into events that
// rebuild the same state in any number of browser stores.
import { describe, expect, it } from 'vitest';
import { connectEngine, TrialStore } from '../../src/client/index.js';
import type { TrialEvent } from '../../src/protocol/index.js';
import { storeProducer } from '../../src/server/store-producer.js';
import { batch, study, trial, until } from '../client/fixtures.js';

/** A store that notifies synchronously on `flush()`, as tests want. */
const manualStore = () => new TrialStore({ schedule: () => {} });

function fill(store: TrialStore, studyId: string, trialId: string, steps: number[]) {
  store.applyTrusted({ v: 1, seq: 1, type: 'study.upsert', study: study(studyId) });
  store.applyTrusted({ v: 1, seq: 2, type: 'trial.upsert', trial: trial(trialId, studyId) });
  store.applyTrusted({ v: 1, seq: 3, type: 'metrics.append', batches: [batch(trialId, 'loss', steps)] });
  store.flush();
}

describe('storeProducer', () => {
  it('relays upserts and only the points not sent before', () => {
    const store = manualStore();
    const relay = storeProducer();
    relay.add(store);
    const events: TrialEvent[] = [];
    relay.subscribe((e) => events.push(e));
    fill(store, 's1', 't1', [0, 1]);
    store.applyTrusted({ v: 1, seq: 4, type: 'metrics.append', batches: [batch('t1', 'loss', [2, 3])] });
    store.flush();
    expect(events.map((e) => e.type)).toEqual([
      'study.upsert',
      'trial.upsert',
      'metrics.append',
      'metrics.append',
    ]);
    const last = events.at(-1) as Extract<TrialEvent, { type: 'metrics.append' }>;
    expect(last.batches[0].steps).toEqual([2, 3]);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it('merges several stores into one snapshot', async () => {
    const a = manualStore();
    const b = manualStore();
    fill(a, 's1', 't1', [0, 1, 2]);
    fill(b, 's2', 't2', [0]);
    const relay = storeProducer();
    relay.add(a);
    relay.add(b);
    const snapshot = await relay.snapshot();
    expect(snapshot.studies.map((s) => s.id).sort()).toEqual(['s1', 's2']);
    expect(snapshot.metrics.map((m) => [m.trialId, m.steps.length])).toEqual([
      ['t1', 3],
      ['t2', 1],
    ]);
  });

  it('sends the whole state again when a store is replaced by a snapshot', () => {
    const store = manualStore();
    const relay = storeProducer();
    relay.add(store);
    const events: TrialEvent[] = [];
    relay.subscribe((e) => events.push(e));
    store.applyTrusted({
      v: 1,
      seq: 9,
      type: 'snapshot',
      studies: [study('s1')],
      trials: [],
      metrics: [],
      sync: [],
    });
    store.flush();
    expect(events.map((e) => e.type)).toEqual(['snapshot']);
  });

  it('rebuilds the same state in a browser-side store', async () => {
    const source = manualStore();
    const relay = storeProducer();
    relay.add(source);
    fill(source, 's1', 't1', [0, 1]);
    const browser = new TrialStore({ schedule: () => {} });
    const handle = connectEngine(browser, relay);
    await until(() => browser.connection.state === 'open');
    source.applyTrusted({ v: 1, seq: 4, type: 'metrics.append', batches: [batch('t1', 'loss', [2])] });
    source.flush();
    expect(Array.from(browser.getSeries('t1', 'loss')!.steps)).toEqual([0, 1, 2]);
    handle.close();
  });
});
