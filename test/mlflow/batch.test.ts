// Unit tests of how batches are packed; no server needed.
import { describe, expect, it } from 'vitest';
import { packBatches } from '../../src/mlflow/batch.js';
import { BATCH_LIMITS } from '../../src/mlflow/index.js';
import { encodeParam, encodeTag, MetricEncoder, utf8Length } from '../../src/mlflow/wire.js';

const encoder = new MetricEncoder();
const metric = (i: number) => encoder.encode(`m${i % 7}`, i, i, 1);

type Body = { run_id: string; metrics: unknown[]; params: { key: string }[]; tags: unknown[] };
const parse = (bodies: string[]) => bodies.map((b) => JSON.parse(b) as Body);

describe('packBatches', () => {
  it('fills requests to 1,000 entities and keeps the order of metrics', () => {
    const metrics = Array.from({ length: 2500 }, (_, i) => metric(i));
    const bodies = parse(packBatches('r1', { params: [], tags: [], metrics }));
    expect(bodies.map((b) => b.metrics.length)).toEqual([1000, 1000, 500]);
    expect(bodies.flatMap((b) => b.metrics)).toEqual(metrics.map((m) => JSON.parse(m.json)));
    expect(bodies.every((b) => b.run_id === 'r1')).toBe(true);
  });

  it('puts at most 100 params and 100 tags in a request, 1,000 entities in all', () => {
    const params = Array.from({ length: 150 }, (_, i) => encodeParam(`p${i}`, i));
    const tags = Array.from({ length: 120 }, (_, i) => encodeTag(`t${i}`, i));
    const metrics = Array.from({ length: 1000 }, (_, i) => metric(i));
    const bodies = parse(packBatches('r', { params, tags, metrics }));
    for (const body of bodies) {
      expect(body.params.length).toBeLessThanOrEqual(BATCH_LIMITS.params);
      expect(body.tags.length).toBeLessThanOrEqual(BATCH_LIMITS.tags);
      expect(body.params.length + body.tags.length + body.metrics.length).toBeLessThanOrEqual(
        BATCH_LIMITS.entities,
      );
    }
    expect(bodies.flatMap((b) => b.params)).toHaveLength(150);
    expect(bodies.flatMap((b) => b.tags)).toHaveLength(120);
    expect(bodies.flatMap((b) => b.metrics)).toHaveLength(1000);
  });

  it('keeps every body within 1 MB, counting UTF-8 bytes', () => {
    const tags = Array.from({ length: 300 }, (_, i) => encodeTag(`t${i}`, 'é'.repeat(8000)));
    const bodies = packBatches('r', { params: [], tags, metrics: [] });
    for (const body of bodies)
      expect(new TextEncoder().encode(body).length).toBeLessThanOrEqual(BATCH_LIMITS.bodyBytes);
    expect(parse(bodies).flatMap((b) => b.tags)).toHaveLength(300);
  });

  it('never puts one param key twice in a request', () => {
    const params = [encodeParam('a', 1), encodeParam('a', 1), encodeParam('b', 2)];
    const bodies = parse(packBatches('r', { params, tags: [], metrics: [] }));
    for (const body of bodies) expect(new Set(body.params.map((p) => p.key)).size).toBe(body.params.length);
  });

  it('sends nothing for an empty batch', () => {
    expect(packBatches('r', { params: [], tags: [], metrics: [] })).toEqual([]);
  });
});

describe('metric encoding', () => {
  it('writes NaN and ±Infinity as the strings MLflow expects', () => {
    const values = [Number.NaN, Infinity, -Infinity, 1.5].map(
      (v) => JSON.parse(encoder.encode('k', v, 0, 0).json).value,
    );
    expect(values).toEqual(['NaN', 'Infinity', '-Infinity', 1.5]);
  });

  it('passes int64 strings through and refuses non-integers', () => {
    expect(encoder.encode('k', 1, '9223372036854775807', '5').json).toContain('"step":9223372036854775807');
    expect(() => encoder.encode('k', 1, 1.5, 0)).toThrow('step must be an integer');
    expect(() => encoder.encode('k', 1, '9223372036854775808', 0)).toThrow('out of range');
    expect(() => encoder.encode('k', 1, 0, -1)).toThrow('timestamp');
  });

  it('refuses a value that is not a number, naming the key', () => {
    expect(() => encoder.encode('acc', '0.5' as unknown as number, 0, 0)).toThrow(/"acc".*must be a number/);
  });

  it('counts UTF-8 bytes of multi-byte text', () => {
    for (const text of ['abc', 'é', '€', '🚀', 'a🚀é€'])
      expect(utf8Length(text)).toBe(new TextEncoder().encode(text).length);
  });
});
