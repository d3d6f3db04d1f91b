// The zod-free event reader against the protocol's schema: on generated events of every type, valid
// and broken one to three ways (a wrong value at any depth, a field removed, an unknown field
// added), both accept the same events with equal results, and for a broken one name the same first
// problem with the same message.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventIssue, readEvent } from '../../src/protocol/event-reader.js';
import { trialEventSchema } from '../../src/protocol/events.js';
import { parseEvent } from '../../src/protocol/index.js';

const text = (max: number) => fc.string({ maxLength: max });
const id = fc.constantFrom('s1', 't1', 't-2', 'constructor', 'toString', 'x'.repeat(512));
const epoch = fc.oneof(fc.nat(), fc.double({ min: 0, max: 2e12, noNaN: true }));
const int = fc.integer({ min: -1000, max: 1000 });
const nat = fc.nat({ max: 1000 });
const tagKey = fc.constantFrom('team', 'lr', 'a b', 'ünï', 'constructor', 'x'.repeat(250));
const metricValue = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(Number.NaN, 'NaN', 'Infinity', '-Infinity', 0, -0),
);
const link = fc.record(
  { experimentId: fc.constantFrom('0', '12'), runId: fc.constantFrom('abc', 'r1') },
  {
    requiredKeys: ['experimentId'],
  },
);
const comment = fc.record(
  {
    id: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
    author: fc.constantFrom('ana', '  bo ', 'x'.repeat(100)),
    text: fc.constantFrom('looks good', ' spaced ', 'x'.repeat(5000)),
    createdAt: epoch,
    editedAt: epoch,
    step: int,
    key: fc.constantFrom('loss', 'acc'),
  },
  { requiredKeys: ['id', 'author', 'text', 'createdAt'] },
);
const study = fc.record(
  {
    id,
    name: text(20),
    status: fc.constantFrom('running', 'completed', 'failed', 'paused'),
    searchSpace: text(20),
    maxParams: nat,
    targetTrials: nat,
    objective: fc.record({
      metric: fc.constantFrom('loss', 'acc'),
      direction: fc.constantFrom('minimize', 'maximize'),
    }),
    createdAt: epoch,
    endedAt: epoch,
    tags: fc.dictionary(tagKey, text(10), { maxKeys: 3 }),
    mlflow: link,
  },
  { requiredKeys: ['id', 'name', 'status', 'createdAt'] },
);
const trial = fc.record(
  {
    id,
    studyId: id,
    number: fc.oneof(nat, fc.constant(2_147_483_647)),
    name: text(20),
    status: fc.constantFrom('pending', 'running', 'succeeded', 'failed', 'pruned', 'cancelled'),
    params: fc.dictionary(
      tagKey,
      fc.oneof(text(8), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean()),
      {
        maxKeys: 3,
      },
    ),
    tags: fc.dictionary(tagKey, text(10), { maxKeys: 3 }),
    flags: fc.array(fc.constantFrom('spectral_norm', 'warmup'), { maxLength: 2 }),
    startedAt: epoch,
    endedAt: epoch,
    notes: text(30),
    starred: fc.boolean(),
    comments: fc.array(comment, { maxLength: 2 }),
    mlflow: link,
    models: fc.array(
      fc.record(
        {
          name: fc.constantFrom('m', 'resnet'),
          version: fc.constantFrom('1', '12'),
          aliases: fc.array(fc.constantFrom('champion', 'b'), { maxLength: 2 }),
        },
        { requiredKeys: ['name', 'version'] },
      ),
      { maxLength: 2 },
    ),
  },
  { requiredKeys: ['id', 'studyId', 'number', 'status'] },
);
const batch = fc.integer({ min: 0, max: 6 }).chain((n) =>
  fc.record({
    trialId: id,
    key: fc.constantFrom('loss', 'acc', 'x'.repeat(250)),
    steps: fc.array(int, { minLength: n, maxLength: n }),
    values: fc.array(metricValue, { minLength: n, maxLength: n }),
    timestamps: fc.array(epoch, { minLength: n, maxLength: n }),
  }),
);
const point = fc.record({ step: int, value: metricValue, timestamp: epoch });
const summary = fc.record({
  trialId: id,
  key: fc.constantFrom('loss', 'acc'),
  count: nat,
  first: point,
  last: point,
  min: fc.option(point, { nil: null }),
  max: fc.option(point, { nil: null }),
});
const viewer = fc.record({
  id: fc.stringMatching(/^[A-Za-z0-9_-]{8,64}$/),
  name: fc.constantFrom('ana', ' bo '),
  color: fc.constantFrom('#a0b1c2', '#FFFFFF'),
});
const teamTags = fc.dictionary(tagKey, fc.option(text(10), { nil: null }), { maxKeys: 3 });

const envelope = { v: fc.constantFrom(1, 2, 3), seq: nat };
const ev = <T extends Record<string, fc.Arbitrary<unknown>>>(
  type: string,
  fields: T,
  optional: (keyof T)[] = [],
) =>
  fc.record(
    { ...envelope, type: fc.constant(type), ...fields },
    {
      requiredKeys: [
        'v',
        'seq',
        'type',
        ...Object.keys(fields).filter((k) => !optional.includes(k)),
      ] as never,
    },
  );
const validEvent = fc.oneof(
  ev(
    'snapshot',
    {
      studies: fc.array(study, { maxLength: 2 }),
      trials: fc.array(trial, { maxLength: 2 }),
      metrics: fc.array(batch, { maxLength: 2 }),
      summaries: fc.array(summary, { maxLength: 2 }),
      sync: fc.array(
        fc.record(
          {
            trialId: id,
            state: fc.constantFrom('pending', 'syncing', 'synced', 'retrying', 'dead'),
            error: text(10),
          },
          { requiredKeys: ['trialId', 'state'] },
        ),
        { maxLength: 2 },
      ),
    },
    ['metrics', 'summaries', 'sync'],
  ),
  ev('study.upsert', { study }),
  ev('study.remove', { studyId: id }),
  ev('trial.upsert', { trial }),
  ev('trial.remove', { trialId: id }),
  ev('metrics.append', { batches: fc.array(batch, { minLength: 1, maxLength: 3 }) }),
  ev('metrics.summary', { summaries: fc.array(summary, { minLength: 1, maxLength: 3 }) }),
  ev(
    'sync.state',
    {
      trialId: id,
      state: fc.constantFrom('pending', 'syncing', 'synced', 'retrying', 'dead'),
      error: text(10),
      mlflow: link,
    },
    ['error', 'mlflow'],
  ),
  ev(
    'trial.patch',
    { trialId: id, starred: fc.boolean(), tags: teamTags, notes: fc.option(text(20), { nil: null }) },
    ['starred', 'tags', 'notes'],
  ),
  ev('comment.upsert', { trialId: id, comment }),
  ev('comment.remove', {
    trialId: id,
    commentId: fc.constantFrom('c1', 'a_b-9'),
    author: fc.constantFrom('ana', ' bo '),
  }),
  ev(
    'error',
    {
      code: fc.constantFrom('malformed_event', 'unsupported_version', 'source_error', 'disconnected'),
      message: text(20),
      path: text(10),
    },
    ['path'],
  ),
  ev('presence', {
    studies: fc.array(
      fc.record(
        { studyId: id, viewers: fc.array(viewer, { maxLength: 2 }), anonymous: nat, more: nat },
        { requiredKeys: ['studyId', 'viewers', 'anonymous'] },
      ),
      { maxLength: 2 },
    ),
  }),
);

/** Values that break some field somewhere: wrong types, bounds, non-finite numbers, reserved keys. */
const brokenValue = fc.constantFrom<unknown>(
  undefined,
  null,
  '',
  ' ',
  'x',
  // Each limit's boundary: the longest string a field takes and one more.
  ...[64, 100, 250, 512, 1000, 5000, 8000, 10_000, 100_000].flatMap((n) => [
    'x'.repeat(n),
    'x'.repeat(n + 1),
  ]),
  'mlflow.run',
  'trialkit.x',
  'NaN',
  'Infinity',
  -1,
  1.5,
  -0.5,
  0,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 53,
  -(2 ** 53),
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  true,
  [],
  [1],
  {},
  { a: 1 },
  new Map(),
  new Date(0),
  'snapshot',
  'running',
  '#12345',
);

type Edit = { pick: number; action: 'set' | 'delete' | 'add' | 'tag'; value: unknown };
const edit = fc.record({
  pick: fc.nat(),
  action: fc.constantFrom<Edit['action']>('set', 'set', 'set', 'delete', 'add', 'tag'),
  value: brokenValue,
});

/** Every object and array within `value`, with `value` itself. */
function containers(value: unknown, into: (Record<string, unknown> | unknown[])[] = []) {
  if (typeof value !== 'object' || value === null || value instanceof Map || value instanceof Date)
    return into;
  into.push(value as Record<string, unknown>);
  for (const child of Object.values(value)) containers(child, into);
  return into;
}

function breakEvent(event: unknown, edits: Edit[]): unknown {
  const copy = structuredClone(event);
  for (const { pick, action, value: shared } of edits) {
    const value = structuredClone(shared);
    const all = containers(copy);
    const target = all[pick % all.length] as Record<string, unknown>;
    const keys = Object.keys(target);
    const key = Array.isArray(target)
      ? String(pick % (target.length + 1))
      : keys[pick % Math.max(1, keys.length)];
    if (action === 'add') target[`extra${pick % 3}`] = value;
    else if (action === 'tag')
      target[['', 'mlflow.x', 'trialkit.y', 'k'.repeat(251)][pick % 4] as string] = value ?? 'v';
    else if (key === undefined) continue;
    else if (action === 'delete') delete target[key];
    else target[key] = value;
  }
  return copy;
}

function compare(input: unknown) {
  const expected = trialEventSchema.safeParse(input);
  let actual: { ok: true; value: unknown } | { ok: false; issue: EventIssue };
  try {
    actual = { ok: true, value: readEvent(input) };
  } catch (err) {
    if (!(err instanceof EventIssue)) throw err;
    actual = { ok: false, issue: err };
  }
  expect(actual.ok).toBe(expected.success);
  if (expected.success && actual.ok) expect(actual.value).toStrictEqual(expected.data);
  if (!expected.success && !actual.ok) {
    const first = expected.error.issues[0];
    expect({ path: actual.issue.path, message: actual.issue.message }).toEqual({
      path: first?.path,
      message: first?.message,
    });
  }
  return actual.ok;
}

describe('readEvent', () => {
  it('reads valid events of every type as the schema does', () => {
    fc.assert(
      fc.property(validEvent, (event) => {
        expect(compare(event)).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it('finds the same first problem as the schema in events broken one to three ways', () => {
    let rejected = 0;
    fc.assert(
      fc.property(validEvent, fc.array(edit, { minLength: 1, maxLength: 3 }), (event, edits) => {
        if (!compare(breakEvent(event, edits))) rejected++;
      }),
      { numRuns: 4000 },
    );
    // The edits mostly break: the comparison above is mostly of problems, not of valid events.
    expect(rejected).toBeGreaterThan(2000);
  });

  it('agrees with the schema on anything at all', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.jsonValue()), (input) => void compare(input)),
      {
        numRuns: 1000,
      },
    );
  });

  it('keeps a __proto__ tag key from replacing the prototype of what it reads', () => {
    const event = JSON.parse(
      '{"v":3,"seq":1,"type":"trial.patch","trialId":"t","tags":{"__proto__":null,"team":"a"}}',
    );
    compare(event);
    const read = readEvent(event) as { tags: Record<string, unknown> };
    expect(Object.getPrototypeOf(read.tags)).toBe(Object.prototype);
    expect(read.tags).toEqual({ team: 'a' });
  });
});

describe('parseEvent', () => {
  it('names the path and the problem of a malformed event', () => {
    const result = parseEvent({
      v: 3,
      seq: 0,
      type: 'metrics.append',
      batches: [{ trialId: 't', key: 'loss', steps: [0, 1], values: [1, 'oops'], timestamps: [0, 0] }],
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.path).toBe('batches.0.values.1');
      expect(result.error.message).toBe(
        'malformed metrics.append event at batches.0.values.1: expected a number, or "NaN", "Infinity" or "-Infinity"',
      );
    }
  });
});
