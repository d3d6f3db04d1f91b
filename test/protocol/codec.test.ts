import { describe, expect, inject, it } from 'vitest';
import { encodeEvent, parseEvent, trialEventJsonSchema } from '../../src/protocol/index.js';

const append = {
  v: 1,
  seq: 7,
  type: 'metrics.append',
  batches: [
    {
      trialId: 't1',
      key: 'loss',
      steps: [0, 1, 2],
      values: [0.5, 'NaN', '-Infinity'],
      timestamps: [1, 2, 3],
    },
  ],
};

describe('event codec', () => {
  it('reads non-finite values sent as MLflow strings back as numbers', () => {
    const result = parseEvent(JSON.stringify(append));
    expect(result.ok && result.event.type === 'metrics.append' && result.event.batches[0].values).toEqual([
      0.5,
      Number.NaN,
      Number.NEGATIVE_INFINITY,
    ]);
  });

  it('writes non-finite values as strings so the JSON round-trips', () => {
    const result = parseEvent(append);
    if (!result.ok) throw result.error;
    expect(JSON.parse(encodeEvent(result.event))).toEqual(append);
  });

  it('names the offending field of a malformed event', () => {
    const bad = structuredClone(append);
    bad.batches[0].values[1] = 'oops';
    const result = parseEvent(bad);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('malformed_event');
      expect(result.error.path).toBe('batches.0.values.1');
    }
  });

  it('rejects columns of different lengths', () => {
    const result = parseEvent({ ...append, batches: [{ ...append.batches[0], steps: [0] }] });
    expect(result.ok).toBe(false);
  });

  it('reads v1, v2 and v3 events alike', () => {
    expect(parseEvent({ ...append, v: 1 }).ok).toBe(true);
    expect(parseEvent({ ...append, v: 2 }).ok).toBe(true);
    expect(parseEvent({ ...append, v: 3 }).ok).toBe(true);
  });

  it('rejects another protocol version and text that is not JSON', () => {
    const other = parseEvent({ ...append, v: 4 });
    expect(!other.ok && other.error.code).toBe('unsupported_version');
    const garbage = parseEvent('{not json');
    expect(!garbage.ok && garbage.error.code).toBe('malformed_event');
  });

  it('publishes a JSON Schema with one branch per event type', () => {
    const schema = trialEventJsonSchema() as { oneOf: unknown[] };
    expect(schema.oneOf).toHaveLength(13);
  });

  it('has real peers available', () => {
    expect(inject('mlflowUri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(inject('pgUrl')).toMatch(/^postgres:\/\//);
  });
});

describe('event codec, every event type', () => {
  const summary = {
    trialId: 't1',
    key: 'loss',
    count: 3,
    first: { step: 0, value: 0.5, timestamp: 1 },
    last: { step: 2, value: '-Infinity', timestamp: 3 },
    min: { step: 2, value: '-Infinity', timestamp: 3 },
    max: { step: 0, value: 0.5, timestamp: 1 },
  };
  const study = { id: 's1', name: 'search', status: 'running', createdAt: 1, tags: {} };
  const trial = {
    id: 't1',
    studyId: 's1',
    number: 0,
    status: 'running',
    params: { lr: 0.1 },
    tags: {},
    flags: [],
  };
  const events = [
    {
      v: 1,
      seq: 1,
      type: 'snapshot',
      studies: [study],
      trials: [trial],
      metrics: [append.batches[0]],
      sync: [],
    },
    { v: 1, seq: 2, type: 'study.upsert', study },
    { v: 1, seq: 3, type: 'study.remove', studyId: 's1' },
    { v: 1, seq: 4, type: 'trial.upsert', trial },
    { v: 1, seq: 5, type: 'trial.remove', trialId: 't1' },
    append,
    {
      v: 1,
      seq: 8,
      type: 'sync.state',
      trialId: 't1',
      state: 'synced',
      mlflow: { experimentId: '1', runId: 'r' },
    },
    { v: 1, seq: 9, type: 'error', code: 'source_error', message: 'lost MLflow', path: 'x' },
    {
      v: 2,
      seq: 10,
      type: 'snapshot',
      studies: [study],
      trials: [trial],
      metrics: [],
      summaries: [summary],
      sync: [],
    },
    { v: 2, seq: 11, type: 'metrics.summary', summaries: [summary, { ...summary, min: null, max: null }] },
    {
      v: 3,
      seq: 12,
      type: 'trial.upsert',
      trial: {
        ...trial,
        starred: true,
        comments: [{ id: 'c1', author: 'ana', text: 'lr drop', createdAt: 5, step: 300, key: 'loss' }],
      },
    },
    { v: 3, seq: 13, type: 'trial.patch', trialId: 't1', starred: false, tags: { candidate: '', old: null } },
    {
      v: 3,
      seq: 14,
      type: 'comment.upsert',
      trialId: 't1',
      comment: { id: 'c-2', author: 'bo', text: '<b>not html</b>', createdAt: 6, editedAt: 7 },
    },
    { v: 3, seq: 15, type: 'comment.remove', trialId: 't1', commentId: 'c-2', author: 'bo' },
  ];

  it.each(events.map((e) => [e.type, e] as const))(
    'round-trips a %s event through encode and parse',
    (_type, event) => {
      const parsed = parseEvent(event);
      if (!parsed.ok) throw parsed.error;
      expect(JSON.parse(encodeEvent(parsed.event))).toEqual(event);
    },
  );

  it.each([
    ['a comment text over 5,000 characters', { text: 'x'.repeat(5001) }, 'comment.text'],
    ['an empty comment', { text: '   ' }, 'comment.text'],
    ['an author over 100 characters', { author: 'a'.repeat(101) }, 'comment.author'],
    ['an id that cannot name a tag', { id: 'a b/c' }, 'comment.id'],
    ['a fractional step', { step: 1.5 }, 'comment.step'],
  ])('refuses %s, naming the field', (_what, change, path) => {
    const comment = { id: 'c1', author: 'ana', text: 'ok', createdAt: 1, ...change };
    const result = parseEvent({ v: 3, seq: 1, type: 'comment.upsert', trialId: 't1', comment });
    expect(!result.ok && [result.error.code, result.error.path]).toEqual(['malformed_event', path]);
  });

  it("refuses tags over MLflow's limits (keys 250, values 8,000) and reserved keys", () => {
    const patch = (tags: Record<string, string | null>) =>
      parseEvent({ v: 3, seq: 1, type: 'trial.patch', trialId: 't1', tags });
    expect(patch({ ['k'.repeat(250)]: 'v'.repeat(8000) }).ok).toBe(true);
    const longKey = patch({ ['k'.repeat(251)]: '' });
    expect(!longKey.ok && longKey.error.path).toBe(`tags.${'k'.repeat(251)}`);
    const longValue = patch({ k: 'v'.repeat(8001) });
    expect(!longValue.ok && longValue.error.path).toBe('tags.k');
    const reserved = patch({ 'mlflow.note.content': 'x' });
    expect(!reserved.ok && reserved.error.message).toMatch(/reserved/);
  });

  it('fills in the defaults a producer may leave out', () => {
    const result = parseEvent({
      v: 1,
      seq: 0,
      type: 'snapshot',
      studies: [{ id: 's1', name: 's', status: 'running', createdAt: 0 }],
      trials: [{ id: 't1', studyId: 's1', number: 0, status: 'pending' }],
    });
    if (!result.ok) throw result.error;
    if (result.event.type !== 'snapshot') throw new Error('not a snapshot');
    expect(result.event.metrics).toEqual([]);
    expect(result.event.sync).toEqual([]);
    expect(result.event.studies[0].tags).toEqual({});
    expect(result.event.trials[0]).toMatchObject({ params: {}, tags: {}, flags: [] });
  });

  it('writes typed-array columns as plain JSON arrays', () => {
    const event = {
      v: 1 as const,
      seq: 1,
      type: 'metrics.append' as const,
      batches: [
        {
          trialId: 't1',
          key: 'loss',
          steps: new Float64Array([0, 1]) as unknown as number[],
          values: new Float64Array([Number.NaN, 2]) as unknown as number[],
          timestamps: new Float64Array([5, 6]) as unknown as number[],
        },
      ],
    };
    expect(JSON.parse(encodeEvent(event)).batches[0]).toEqual({
      trialId: 't1',
      key: 'loss',
      steps: [0, 1],
      values: ['NaN', 2],
      timestamps: [5, 6],
    });
  });

  it('calls an event without a version malformed, naming v', () => {
    const { v: _v, ...unversioned } = append;
    const result = parseEvent(unversioned);
    expect(!result.ok && result.error.code).toBe('malformed_event');
    expect(!result.ok && result.error.path).toBe('v');
  });

  it('rejects what is not an event object at all', () => {
    for (const input of [null, 42, 'null', '[]', [], { v: 1, seq: 1 }]) {
      const result = parseEvent(input);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.error.code).toBe('malformed_event');
    }
  });

  it('rejects fractional and negative sequence numbers', () => {
    expect(parseEvent({ ...append, seq: 1.5 }).ok).toBe(false);
    expect(parseEvent({ ...append, seq: -1 }).ok).toBe(false);
  });

  it('rejects fractional steps and negative timestamps', () => {
    const batch = append.batches[0];
    expect(parseEvent({ ...append, batches: [{ ...batch, steps: [0, 1.5, 2] }] }).ok).toBe(false);
    expect(parseEvent({ ...append, batches: [{ ...batch, timestamps: [1, -2, 3] }] }).ok).toBe(false);
  });

  it('never throws, whatever it is given', () => {
    const cyclic: Record<string, unknown> = { v: 1, seq: 1, type: 'study.upsert' };
    cyclic.study = cyclic;
    for (const input of [undefined, Symbol('x'), () => 1, cyclic, '\u0000', '{"v":1'.repeat(1000)]) {
      expect(() => parseEvent(input)).not.toThrow();
    }
  });
});
