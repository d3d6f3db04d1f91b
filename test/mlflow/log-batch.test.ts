import { describe, expect, it } from 'vitest';
import { LENGTH_LIMITS, MlflowValidationError } from '../../src/mlflow/index.js';
import { freshRun, testClient } from './helpers.js';

const client = testClient();

describe('logBatch', () => {
  it('splits 250 params, 250 tags and 3,000 metrics into requests MLflow accepts', async () => {
    const { runId } = await freshRun(client, 'split');
    const params = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`p${i}`, i]));
    const tags = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`t${i}`, `v${i}`]));
    const metrics = Array.from({ length: 3000 }, (_, i) => ({ key: `m${i % 3}`, value: i, step: i }));
    await client.logBatch(runId, { params, tags, metrics });
    const run = await client.getRun(runId);
    expect(Object.keys(run.data.params)).toHaveLength(250);
    expect(run.data.params.p249).toBe('249');
    expect(run.data.tags.t249).toBe('v249');
    expect(run.data.metrics).toEqual({ m0: 2997, m1: 2998, m2: 2999 });
  });

  it('keeps each request under 1 MB when values are long', async () => {
    const { runId } = await freshRun(client, 'bytes');
    const long = 'x'.repeat(LENGTH_LIMITS.tagValue);
    // 250 tags of 8,000 characters: 2 MB in all.
    const tags = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`tag${i}`, long]));
    const params = Object.fromEntries(
      Array.from({ length: 150 }, (_, i) => [`param${i}`, 'y'.repeat(LENGTH_LIMITS.paramValue)]),
    );
    await client.logBatch(runId, { tags, params });
    const run = await client.getRun(runId);
    expect(run.data.tags.tag249).toBe(long);
    expect(run.data.params.param149).toHaveLength(LENGTH_LIMITS.paramValue);
  });

  it('logs unicode keys and values and keys of exactly 250 characters', async () => {
    const { runId } = await freshRun(client, 'unicode');
    const longKey = `k/${'é'.repeat(248)}`;
    await client.logBatch(runId, {
      metrics: [
        { key: 'précision/épreuve', value: 0.9, step: 1, timestamp: 1 },
        { key: longKey, value: 1, step: 1, timestamp: 1 },
      ],
      params: { 学习率: '0.01', 'emoji value': '🚀 fast' },
      tags: { 'note: ünïcödé': 'naïve — ✓' },
    });
    const run = await client.getRun(runId);
    expect(run.data.metrics['précision/épreuve']).toBe(0.9);
    expect(run.data.metrics[longKey]).toBe(1);
    expect(run.data.params).toEqual({ 学习率: '0.01', 'emoji value': '🚀 fast' });
    expect(run.data.tags['note: ünïcödé']).toBe('naïve — ✓');
    expect((await client.getMetricHistory(runId, longKey))[0].value).toBe(1);
  });

  it('sends nothing when any key is invalid, and names the key', async () => {
    const { runId } = await freshRun(client, 'invalid');
    const tooLong = 'a'.repeat(251);
    const error = await client
      .logBatch(runId, {
        metrics: [
          { key: 'fine', value: 1 },
          { key: tooLong, value: 2 },
        ],
      })
      .catch((e) => e);
    expect(error).toBeInstanceOf(MlflowValidationError);
    expect(error.key).toBe(tooLong);
    expect((await client.getRun(runId)).data.metrics).toEqual({});
  });

  it.each([
    ['../escape', 'path'],
    ['/abs', 'path'],
    ['a//b', 'path'],
    ['semi;colon', 'contain'],
    ['', 'empty'],
  ])('refuses the key %j before sending', async (key, words) => {
    const { runId } = await freshRun(client, 'badkey');
    await expect(client.logBatch(runId, { params: { [key]: 'v' } })).rejects.toThrow(words);
  });

  it('refuses values over the limit instead of truncating them', async () => {
    const { runId } = await freshRun(client, 'toolong');
    const error = await client
      .logBatch(runId, { params: { big: 'z'.repeat(LENGTH_LIMITS.paramValue + 1) } })
      .catch((e) => e);
    expect(error).toBeInstanceOf(MlflowValidationError);
    expect(error.key).toBe('big');
    expect(error.message).toContain('6001 characters');
  });

  it('refuses a param given twice with different values, and keeps the last of a repeated tag', async () => {
    const { runId } = await freshRun(client, 'dupes');
    const conflict = [
      { key: 'lr', value: '0.1' },
      { key: 'lr', value: '0.2' },
    ];
    await expect(client.logBatch(runId, { params: conflict })).rejects.toBeInstanceOf(MlflowValidationError);
    await client.logBatch(runId, {
      params: [
        { key: 'lr', value: '0.1' },
        { key: 'lr', value: '0.1' },
      ],
      tags: [
        { key: 'phase', value: 'a' },
        { key: 'phase', value: 'b' },
      ],
    });
    const run = await client.getRun(runId);
    expect(run.data.params).toEqual({ lr: '0.1' });
    expect(run.data.tags.phase).toBe('b');
  });
});
