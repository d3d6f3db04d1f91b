import { describe, expect, it } from 'vitest';
import { connectEngine, TrialStore } from '../../../src/client/index.js';
import type { SnapshotEvent } from '../../../src/protocol/index.js';
import { batch, study, TestProducer, trial, until } from '../fixtures.js';

function seededProducer(): TestProducer {
  const producer = new TestProducer();
  producer.upsertStudy(study('s1'));
  producer.upsertTrial(trial('t1', 's1'));
  producer.append(batch('t1', 'loss', [0, 1, 2]));
  return producer;
}

describe('connectEngine', () => {
  it('loads the snapshot, then follows live events', async () => {
    const producer = seededProducer();
    const store = new TrialStore();
    const source = connectEngine(store, producer);
    expect(store.connection.state).toBe('connecting');
    await until(() => store.connection.state === 'open');
    expect(store.getSeries('t1', 'loss')?.length).toBe(3);
    producer.append(batch('t1', 'loss', [3]));
    producer.upsertTrial(trial('t2', 's1'));
    expect(store.getSeries('t1', 'loss')?.length).toBe(4);
    expect(store.trialsOf('s1')).toHaveLength(2);
    expect(store.lastSeq).toBe(producer.seq);
    source.close();
  });

  it('neither loses nor doubles events emitted while the snapshot is on its way', async () => {
    const producer = seededProducer();
    let open!: () => void;
    producer.gate = new Promise((resolve) => {
      open = resolve;
    });
    const store = new TrialStore();
    const source = connectEngine(store, producer);
    // The snapshot is taken (seq 3); these come after it, while it is still pending.
    producer.append(batch('t1', 'loss', [3, 4]));
    producer.upsertTrial(trial('t2', 's1'));
    expect(store.loaded).toBe(false);
    open();
    await until(() => store.connection.state === 'open');
    expect(Array.from(store.getSeries('t1', 'loss')!.steps)).toEqual([0, 1, 2, 3, 4]);
    expect(store.getTrial('t2')).toBeDefined();
    source.close();
  });

  it('drops buffered events the snapshot already contains', async () => {
    const producer = seededProducer();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    // A producer whose snapshot is taken late, after some buffered events were emitted.
    const late = {
      subscribe: producer.subscribe.bind(producer),
      snapshot: async (): Promise<SnapshotEvent> => {
        await gate;
        return producer.snapshot();
      },
    };
    const store = new TrialStore();
    const source = connectEngine(store, late);
    producer.append(batch('t1', 'loss', [3]));
    open();
    await until(() => store.connection.state === 'open');
    expect(Array.from(store.getSeries('t1', 'loss')!.steps)).toEqual([0, 1, 2, 3]);
    source.close();
  });

  it('stops listening and says so on close', async () => {
    const producer = seededProducer();
    const store = new TrialStore();
    const source = connectEngine(store, producer);
    await until(() => store.connection.state === 'open');
    source.close();
    source.close();
    expect(producer.listenerCount).toBe(0);
    expect(store.connection.state).toBe('closed');
    producer.append(batch('t1', 'loss', [9]));
    expect(store.getSeries('t1', 'loss')?.length).toBe(3);
  });

  it('applies nothing if closed before the snapshot arrives', async () => {
    const producer = seededProducer();
    const store = new TrialStore();
    connectEngine(store, producer).close();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(store.loaded).toBe(false);
  });

  it('reports a failed snapshot and tries again', async () => {
    const producer = seededProducer();
    let calls = 0;
    const flaky = {
      subscribe: producer.subscribe.bind(producer),
      snapshot: () => (++calls === 1 ? Promise.reject(new Error('storage busy')) : producer.snapshot()),
    };
    const store = new TrialStore();
    const errors: string[] = [];
    store.subscribe((change) => errors.push(...change.errors.map((e) => e.message)));
    const source = connectEngine(store, flaky, { backoff: { initialMs: 5 } });
    await until(() => store.connection.state === 'open');
    store.flush();
    expect(calls).toBe(2);
    expect(errors.join()).toMatch(/storage busy/);
    expect(store.getSeries('t1', 'loss')?.length).toBe(3);
    source.close();
  });

  it('keeps the producer running when a store listener throws', async () => {
    const producer = seededProducer();
    const store = new TrialStore({ schedule: (notify) => notify() });
    const source = connectEngine(store, producer);
    await until(() => store.connection.state === 'open');
    store.subscribe((change) => {
      if (change.series.size) throw new Error('listener bug');
    });
    expect(() => producer.append(batch('t1', 'loss', [3]))).not.toThrow();
    expect(store.getSeries('t1', 'loss')?.length).toBe(4);
    source.close();
  });
});
