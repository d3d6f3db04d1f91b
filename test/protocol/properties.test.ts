// Property-based checks: whatever arrives, parsing and applying it yields a typed result and a
// consistent store, never a throw.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TrialStore } from '../../src/client/index.js';
import { ProtocolError, parseEvent } from '../../src/protocol/index.js';

const ids = fc.constantFrom('s1', 's2', 't1', 't2', 'constructor', '__proto__', 'toString');
const keys = fc.constantFrom('loss', 'acc', 'constructor', 'valueOf');
const record = fc.dictionary(keys, fc.oneof(fc.string(), fc.integer(), fc.boolean()), { maxKeys: 3 });
const study = fc.record({
  id: ids,
  name: fc.string(),
  status: fc.constantFrom('running', 'completed', 'failed', 'paused', 'bogus'),
  createdAt: fc.oneof(fc.nat(), fc.double()),
  tags: fc.dictionary(keys, fc.string(), { maxKeys: 2 }),
});
const trial = fc.record({
  id: ids,
  studyId: ids,
  number: fc.oneof(fc.nat(), fc.integer(), fc.double()),
  status: fc.constantFrom('pending', 'running', 'succeeded', 'failed', 'pruned', 'cancelled', 'x'),
  params: record,
  tags: fc.dictionary(keys, fc.string(), { maxKeys: 2 }),
  flags: fc.array(fc.string(), { maxLength: 2 }),
});
const column = fc.array(fc.oneof(fc.integer({ min: -5, max: 50 }), fc.double(), fc.constant('NaN')), {
  maxLength: 8,
});
const batch = fc.record({ trialId: ids, key: keys, steps: column, values: column, timestamps: column });
const envelope = { v: fc.oneof(fc.constant(1), fc.anything()), seq: fc.oneof(fc.nat(), fc.integer()) };
/** Events close to valid (most pass, many fail on one field) and anything JSON at all. */
const eventLike = fc.oneof(
  fc.record({ ...envelope, type: fc.constant('study.upsert'), study }),
  fc.record({ ...envelope, type: fc.constant('trial.upsert'), trial }),
  fc.record({ ...envelope, type: fc.constant('metrics.append'), batches: fc.array(batch, { maxLength: 3 }) }),
  fc.record({ ...envelope, type: fc.constant('study.remove'), studyId: ids }),
  fc.record({ ...envelope, type: fc.constant('trial.remove'), trialId: ids }),
  fc.record({
    ...envelope,
    type: fc.constant('snapshot'),
    studies: fc.array(study, { maxLength: 2 }),
    trials: fc.array(trial, { maxLength: 3 }),
  }),
  fc.jsonValue(),
  fc.anything(),
);

describe('parseEvent', () => {
  it('returns a typed error or a valid event for any input, never throwing', () => {
    fc.assert(
      fc.property(fc.oneof(eventLike, fc.json(), fc.string()), (input) => {
        const result = parseEvent(input);
        if (result.ok) expect(typeof result.event.type).toBe('string');
        else expect(result.error).toBeInstanceOf(ProtocolError);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('TrialStore.apply', () => {
  it('keeps a consistent state for any sequence of events, valid or not, never throwing', () => {
    fc.assert(
      fc.property(fc.array(eventLike, { maxLength: 25 }), (events) => {
        const store = new TrialStore();
        for (const event of events) expect(typeof store.apply(event)).toBe('boolean');
        store.flush();
        for (const [id, t] of store.trials) {
          expect(t.id).toBe(id);
          for (const [key, series] of store.seriesOf(id)) {
            expect(series.key).toBe(key);
            const steps = Array.from(series.steps);
            expect(steps).toEqual([...steps].sort((a, b) => a - b));
            expect(series.values.length).toBe(steps.length);
          }
        }
        for (const [id, s] of store.studies) expect(s.id).toBe(id);
      }),
      { numRuns: 500 },
    );
  });
});
