import { afterEach, describe, expect, it, vi } from 'vitest';
import { type StoreChange, TrialStore } from '../../src/client/index.js';
import { seriesId } from '../../src/client/series.js';
import { encodeEvent, type TrialEvent } from '../../src/protocol/index.js';
import { batch, study, trial } from './fixtures.js';

/** A store whose notifications wait for `frame()`, like requestAnimationFrame, and the changes it delivered. */
function frameStore() {
  const frames: (() => void)[] = [];
  const store = new TrialStore({ schedule: (notify) => frames.push(notify) });
  const changes: StoreChange[] = [];
  store.subscribe((change) => changes.push(change));
  const frame = () => {
    for (const notify of frames.splice(0)) notify();
  };
  return { store, frames, changes, frame };
}

let seq = 0;
function ev(event: Record<string, unknown>): TrialEvent {
  return { v: 1, seq: ++seq, ...event } as TrialEvent;
}

function seeded() {
  const ctx = frameStore();
  ctx.store.apply(ev({ type: 'study.upsert', study: study('s1') }));
  ctx.store.apply(ev({ type: 'trial.upsert', trial: trial('t1', 's1') }));
  ctx.store.apply(ev({ type: 'trial.upsert', trial: trial('t2', 's1', { number: 1 }) }));
  ctx.store.apply(ev({ type: 'metrics.append', batches: [batch('t1', 'loss', [0, 1, 2])] }));
  ctx.frame();
  ctx.changes.length = 0;
  return ctx;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('TrialStore notifications', () => {
  it('coalesces 10,000 events into one notification per frame', () => {
    const { store, frames, changes, frame } = frameStore();
    store.apply(ev({ type: 'study.upsert', study: study('s1') }));
    for (let t = 0; t < 100; t++) store.apply(ev({ type: 'trial.upsert', trial: trial(`t${t}`, 's1') }));
    for (let i = 0; i < 10_000; i++) {
      store.apply(
        ev({ type: 'metrics.append', batches: [batch(`t${i % 100}`, 'loss', [Math.floor(i / 100)])] }),
      );
    }
    expect(frames).toHaveLength(1);
    expect(changes).toHaveLength(0);
    frame();
    expect(changes).toHaveLength(1);
    expect(changes[0].trials.size).toBe(100);
    expect(changes[0].series.size).toBe(100);
    expect(changes[0].series.get(seriesId('t7', 'loss'))).toEqual({ trialId: 't7', key: 'loss', from: 0 });
    expect(store.getSeries('t7', 'loss')?.length).toBe(100);
  });

  it('notifies at most once per 16 ms timer where there is no requestAnimationFrame', async () => {
    vi.useFakeTimers();
    const store = new TrialStore();
    const listener = vi.fn();
    store.subscribe(listener);
    for (let i = 0; i < 10_000; i++) store.appendPoints('t1', 'loss', [i], [i], [i]);
    expect(listener).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(16);
    expect(listener).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(listener).toHaveBeenCalledTimes(1);
    store.appendPoints('t1', 'loss', [10_000], [1], [1]);
    await vi.advanceTimersByTimeAsync(16);
    expect(listener).toHaveBeenCalledTimes(2);
  });

  it('reports the range appended since the last notification, from the first new point', () => {
    const { store, changes, frame } = seeded();
    store.apply(ev({ type: 'metrics.append', batches: [batch('t1', 'loss', [3, 4])] }));
    store.apply(ev({ type: 'metrics.append', batches: [batch('t1', 'loss', [5])] }));
    frame();
    expect(changes[0].series.get(seriesId('t1', 'loss'))?.from).toBe(3);
    expect(changes[0].trials.size).toBe(0);
    expect(changes[0].reset).toBe(false);
  });

  it('reports the lowest index moved when a late point is merged in', () => {
    const { store, changes, frame } = seeded();
    store.apply(ev({ type: 'metrics.append', batches: [batch('t1', 'loss', [5, 6])] }));
    store.apply(ev({ type: 'metrics.append', batches: [batch('t1', 'loss', [1])] }));
    frame();
    // Steps 0,1,2 were there; the second step 1 lands after the first, at index 2.
    expect(changes[0].series.get(seriesId('t1', 'loss'))?.from).toBe(2);
    expect(Array.from(store.getSeries('t1', 'loss')!.steps)).toEqual([0, 1, 1, 2, 5, 6]);
  });

  it('delivers pending changes at once on flush, and nothing when nothing changed', () => {
    const { store, changes, frame } = seeded();
    store.flush();
    expect(changes).toHaveLength(0);
    store.apply(ev({ type: 'trial.upsert', trial: trial('t3', 's1') }));
    store.flush();
    expect(changes).toHaveLength(1);
    frame();
    expect(changes).toHaveLength(1);
  });

  it('stops calling a listener once it unsubscribes', () => {
    const { store, frame } = frameStore();
    const listener = vi.fn();
    const unsubscribe = store.subscribe(listener);
    store.apply(ev({ type: 'study.upsert', study: study('s1') }));
    frame();
    unsubscribe();
    store.apply(ev({ type: 'study.upsert', study: study('s2') }));
    frame();
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('passes the store to listeners so they can read the new state', () => {
    const { store, frame } = frameStore();
    let seen: string[] = [];
    store.subscribe((_change, s) => {
      seen = [...s.studies.keys()];
    });
    store.apply(ev({ type: 'study.upsert', study: study('s1') }));
    frame();
    expect(seen).toEqual(['s1']);
  });
});

describe('TrialStore state', () => {
  it('holds studies and trials and answers queries about them', () => {
    const { store } = seeded();
    expect(store.getStudy('s1')?.name).toBe('s1');
    expect(store.trialsOf('s1').map((t) => t.id)).toEqual(['t1', 't2']);
    expect(store.trialsOf('nope')).toEqual([]);
    expect(store.getTrial('t2')?.number).toBe(1);
    expect(store.trials.size).toBe(2);
    expect(store.loaded).toBe(true);
  });

  it('starts empty and not loaded', () => {
    const store = new TrialStore();
    expect(store.loaded).toBe(false);
    expect(store.lastSeq).toBe(-1);
    expect(store.connection).toEqual({ state: 'idle' });
    expect(store.seriesOf('t1').size).toBe(0);
  });

  it('lists the metric keys of a study, sorted and without duplicates', () => {
    const { store } = seeded();
    store.apply(ev({ type: 'metrics.append', batches: [batch('t2', 'acc', [0]), batch('t2', 'loss', [0])] }));
    expect(store.metricKeys('s1')).toEqual(['acc', 'loss']);
    expect([...store.seriesOf('t2').keys()]).toEqual(['acc', 'loss']);
  });

  it('moves a trial upserted into another study', () => {
    const { store } = seeded();
    store.apply(ev({ type: 'trial.upsert', trial: trial('t1', 's2') }));
    expect(store.trialsOf('s1').map((t) => t.id)).toEqual(['t2']);
    expect(store.trialsOf('s2').map((t) => t.id)).toEqual(['t1']);
  });

  it('removes a trial with its series and sync state', () => {
    const { store, changes, frame } = seeded();
    store.apply(ev({ type: 'sync.state', trialId: 't1', state: 'synced' }));
    store.apply(ev({ type: 'metrics.append', batches: [batch('t1', 'loss', [9])] }));
    store.apply(ev({ type: 'trial.remove', trialId: 't1' }));
    frame();
    expect(store.getTrial('t1')).toBeUndefined();
    expect(store.getSeries('t1', 'loss')).toBeUndefined();
    expect(store.getSyncState('t1')).toBeUndefined();
    expect(store.trialsOf('s1').map((t) => t.id)).toEqual(['t2']);
    expect(changes[0].trials.has('t1')).toBe(true);
    // A renderer must not be sent to a series that is gone.
    expect(changes[0].series.size).toBe(0);
  });

  it('removes a study with all its trials', () => {
    const { store, changes, frame } = seeded();
    store.apply(ev({ type: 'study.remove', studyId: 's1' }));
    frame();
    expect(store.studies.size).toBe(0);
    expect(store.trials.size).toBe(0);
    expect(store.getSeries('t1', 'loss')).toBeUndefined();
    expect(store.metricKeys('s1')).toEqual([]);
    expect([...changes[0].studies]).toEqual(['s1']);
    expect([...changes[0].trials].sort()).toEqual(['t1', 't2']);
  });

  it('ignores the removal of something it does not hold', () => {
    const { store, changes, frame } = seeded();
    store.apply(ev({ type: 'trial.remove', trialId: 'ghost' }));
    frame();
    expect(store.trials.size).toBe(2);
    expect(changes[0]?.trials.size ?? 0).toBe(0);
  });

  it('keeps NaN and infinite metric values, sent as strings on the wire', () => {
    const { store } = seeded();
    const wire = {
      v: 1,
      seq: ++seq,
      type: 'metrics.append',
      batches: [
        {
          trialId: 't2',
          key: 'loss',
          steps: [0, 1, 2],
          values: ['NaN', 1, '-Infinity'],
          timestamps: [1, 2, 3],
        },
      ],
    };
    expect(store.apply(JSON.stringify(wire))).toBe(true);
    const s = store.getSeries('t2', 'loss')!;
    expect(s.values[0]).toBeNaN();
    expect(s.values[2]).toBe(Number.NEGATIVE_INFINITY);
    expect([s.min, s.max]).toEqual([1, 1]);
  });

  it('accepts what encodeEvent writes, including NaN', () => {
    const store = new TrialStore();
    const event = ev({ type: 'metrics.append', batches: [batch('t1', 'loss', [0, 1], [Number.NaN, 2])] });
    expect(store.apply(encodeEvent(event))).toBe(true);
    expect(store.getSeries('t1', 'loss')!.values[0]).toBeNaN();
  });

  it('appends points handed over directly, like a metrics.append event', () => {
    const { store, changes, frame } = seeded();
    store.appendPoints(
      't1',
      'loss',
      new Float64Array([3, 4]),
      new Float64Array([1, 2]),
      new Float64Array([5, 6]),
    );
    frame();
    expect(store.getSeries('t1', 'loss')!.length).toBe(5);
    expect(changes[0].series.get(seriesId('t1', 'loss'))?.from).toBe(3);
  });

  it('tracks the highest seq applied', () => {
    const store = new TrialStore();
    store.apply({ v: 1, seq: 5, type: 'study.upsert', study: study('s1') });
    store.apply({ v: 1, seq: 3, type: 'study.upsert', study: study('s2') });
    expect(store.lastSeq).toBe(5);
  });
});

describe('TrialStore snapshots', () => {
  const snapshot = (s: number) => ({
    v: 1,
    seq: s,
    type: 'snapshot',
    studies: [study('s9')],
    trials: [trial('t9', 's9')],
    metrics: [batch('t9', 'acc', [0, 1])],
    sync: [{ trialId: 't9', state: 'pending' }],
  });

  it('replaces the whole state and says so', () => {
    const { store, changes, frame } = seeded();
    expect(store.apply(snapshot(100))).toBe(true);
    frame();
    expect([...store.studies.keys()]).toEqual(['s9']);
    expect([...store.trials.keys()]).toEqual(['t9']);
    expect(store.getSeries('t1', 'loss')).toBeUndefined();
    expect(store.getSeries('t9', 'acc')?.length).toBe(2);
    expect(store.getSyncState('t9')).toEqual({ state: 'pending', error: undefined });
    expect(changes).toHaveLength(1);
    expect(changes[0].reset).toBe(true);
  });

  it('resumes from the snapshot seq even when it is lower than what came before', () => {
    const { store } = seeded();
    expect(store.lastSeq).toBeGreaterThan(3);
    store.apply(snapshot(3));
    expect(store.lastSeq).toBe(3);
  });

  it('keeps errors and connection changes that arrived before it in the same frame', () => {
    const { store, changes, frame } = seeded();
    store.setConnection({ state: 'open' });
    store.apply({ v: 1, seq: 1, type: 'bogus' });
    store.apply(snapshot(100));
    frame();
    expect(changes[0].reset).toBe(true);
    expect(changes[0].connection).toBe(true);
    expect(changes[0].errors).toHaveLength(1);
  });

  it('keeps changes applied after it in the same frame', () => {
    const { store, changes, frame } = seeded();
    store.apply(snapshot(100));
    store.apply({ v: 1, seq: 101, type: 'metrics.append', batches: [batch('t9', 'acc', [2])] });
    frame();
    expect(changes[0].reset).toBe(true);
    // The series is new since the last notification, so it changed from its first point.
    expect(changes[0].series.get(seriesId('t9', 'acc'))?.from).toBe(0);
    expect(store.getSeries('t9', 'acc')?.length).toBe(3);
  });
});

describe('TrialStore with malformed events', () => {
  const malformed: [string, unknown][] = [
    ['text that is not JSON', '{"v":1,'],
    ['null', null],
    ['a number', 42],
    ['an unknown type', { v: 1, seq: 1, type: 'trial.explode', trialId: 't1' }],
    ['another protocol version', { v: 4, seq: 1, type: 'trial.remove', trialId: 't1' }],
    ['a negative seq', { v: 1, seq: -1, type: 'trial.remove', trialId: 't1' }],
    [
      'a trial without a study',
      { v: 1, seq: 1, type: 'trial.upsert', trial: { id: 't1', number: 0, status: 'running' } },
    ],
    [
      'an unknown trial status',
      { v: 1, seq: 1, type: 'trial.upsert', trial: { ...trial('t1', 's1'), status: 'zombie' } },
    ],
    [
      'columns of different lengths',
      { v: 1, seq: 1, type: 'metrics.append', batches: [{ ...batch('t1', 'loss', [7, 8]), values: [1] }] },
    ],
    [
      'a value that is no number',
      { v: 1, seq: 1, type: 'metrics.append', batches: [{ ...batch('t1', 'loss', [7]), values: ['x'] }] },
    ],
    ['an empty batch list', { v: 1, seq: 1, type: 'metrics.append', batches: [] }],
    ['a snapshot without trials', { v: 1, seq: 1, type: 'snapshot', studies: [] }],
  ];

  it.each(malformed)('rejects %s without changing anything', (_what, input) => {
    const { store, changes, frame } = seeded();
    const before = {
      lastSeq: store.lastSeq,
      trials: [...store.trials.values()],
      loss: Array.from(store.getSeries('t1', 'loss')!.values),
    };
    expect(store.apply(input)).toBe(false);
    expect(store.lastSeq).toBe(before.lastSeq);
    expect([...store.trials.values()]).toEqual(before.trials);
    expect(Array.from(store.getSeries('t1', 'loss')!.values)).toEqual(before.loss);
    expect(store.getTrial('t1')?.status).toBe('running');
    frame();
    expect(changes).toHaveLength(1);
    expect(changes[0].errors).toHaveLength(1);
    expect(changes[0].errors[0].type).toBe('error');
    expect(['malformed_event', 'unsupported_version']).toContain(changes[0].errors[0].code);
  });

  it('names the offending field in the error', () => {
    const { store, changes, frame } = seeded();
    store.apply({
      v: 1,
      seq: 1,
      type: 'metrics.append',
      batches: [{ ...batch('t1', 'loss', [7]), values: ['x'] }],
    });
    frame();
    expect(changes[0].errors[0].path).toBe('batches.0.values.0');
    expect(changes[0].errors[0].message).toMatch(/metrics\.append/);
  });

  it('keeps applying good events after a bad one', () => {
    const { store } = seeded();
    store.apply('garbage');
    expect(store.apply(ev({ type: 'trial.upsert', trial: trial('t3', 's1') }))).toBe(true);
    expect(store.getTrial('t3')).toBeDefined();
  });

  it('passes on error events sent by the producer', () => {
    const { store, changes, frame } = seeded();
    store.apply(ev({ type: 'error', code: 'source_error', message: 'mlflow is down' }));
    frame();
    expect(changes[0].errors[0].message).toBe('mlflow is down');
  });

  it('collects errors reported by sources', () => {
    const { store, changes, frame } = seeded();
    store.reportError('disconnected', 'lost it');
    frame();
    expect(changes[0].errors[0]).toMatchObject({ type: 'error', code: 'disconnected', message: 'lost it' });
  });
});

describe('TrialStore sync and connection state', () => {
  it('records sync states and notifies about them', () => {
    const { store, changes, frame } = seeded();
    store.apply(ev({ type: 'sync.state', trialId: 't1', state: 'retrying', error: '503 from MLflow' }));
    frame();
    expect(store.getSyncState('t1')).toEqual({ state: 'retrying', error: '503 from MLflow' });
    expect([...changes[0].sync]).toEqual(['t1']);
    expect(changes[0].trials.size).toBe(0);
  });

  it('links a trial to the MLflow run a sync event names', () => {
    const { store, changes, frame } = seeded();
    const mlflow = { experimentId: '1', runId: 'abc' };
    store.apply(ev({ type: 'sync.state', trialId: 't1', state: 'synced', mlflow }));
    frame();
    expect(store.getTrial('t1')?.mlflow).toEqual(mlflow);
    expect(changes[0].trials.has('t1')).toBe(true);
    store.apply(ev({ type: 'sync.state', trialId: 't1', state: 'synced', mlflow }));
    frame();
    // The same link again is no trial change.
    expect(changes[1].trials.size).toBe(0);
  });

  it('reports connection changes', () => {
    const { store, changes, frame } = frameStore();
    store.setConnection({ state: 'reconnecting', message: 'socket closed' });
    frame();
    expect(store.connection).toEqual({ state: 'reconnecting', message: 'socket closed' });
    expect(changes[0].connection).toBe(true);
  });
});
