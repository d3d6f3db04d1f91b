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

  it('rejects another protocol version and text that is not JSON', () => {
    const other = parseEvent({ ...append, v: 2 });
    expect(!other.ok && other.error.code).toBe('unsupported_version');
    const garbage = parseEvent('{not json');
    expect(!garbage.ok && garbage.error.code).toBe('malformed_event');
  });

  it('publishes a JSON Schema with one branch per event type', () => {
    const schema = trialEventJsonSchema() as { oneOf: unknown[] };
    expect(schema.oneOf).toHaveLength(8);
  });

  it('has real peers available', () => {
    expect(inject('mlflowUri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(inject('pgUrl')).toMatch(/^postgres:\/\//);
  });
});
