import { describe, expect, it } from 'vitest';
import { TrialStore } from '../../../src/client/store.js';
import { extractAnalysis } from '../../../src/components/analysis/analysis-data.js';
import { declaredBounds, declaredChoices } from '../../../src/components/analysis/search-space.js';
import { fanovaProgram } from '../../../src/components/param-importance/fanova.js';
import {
  importanceInput,
  MAX_CATEGORIES,
} from '../../../src/components/param-importance/importance-input.js';
import type {
  ImportanceInput,
  ImportanceParam,
} from '../../../src/components/param-importance/importance-types.js';
import type { ParamValue } from '../../../src/protocol/index.js';
import { seededRandom } from '../../../src/server/seeded-random.js';
import { referenceImportance } from '../../support/fanova-reference.js';

const { computeImportance } = fanovaProgram();

function numeric(
  name: string,
  values: number[],
  low = Math.min(...values),
  high = Math.max(...values),
): ImportanceParam {
  return { name, kind: 'numeric', values: Float64Array.from(values), low, high, categories: 0 };
}
function categorical(name: string, values: number[], categories: number): ImportanceParam {
  return {
    name,
    kind: 'categorical',
    values: Float64Array.from(values),
    low: 0,
    high: categories - 1,
    categories,
  };
}
const importanceOf = (
  result: { importances: readonly { name: string; importance: number }[] },
  name: string,
) => result.importances.find((i) => i.name === name)!.importance;

/** y = 10·x1 + 2·x2 (+ a category's effect), x3 unused, a little noise. */
function study(n: number, seed = 1): ImportanceInput {
  const random = seededRandom(seed);
  const x1: number[] = [];
  const x2: number[] = [];
  const x3: number[] = [];
  const cat: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    x1.push(random());
    x2.push(random());
    x3.push(random());
    cat.push(Math.floor(random() * 3));
    y.push(10 * x1[i] + 2 * x2[i] + [0, 0, 4][cat[i]] + 0.1 * random());
  }
  return {
    params: [
      numeric('x3', x3, 0, 1),
      numeric('x2', x2, 0, 1),
      categorical('cat', cat, 3),
      numeric('x1', x1, 0, 1),
    ],
    target: Float64Array.from(y),
  };
}

function storeWith(
  trials: { params: Record<string, ParamValue>; value?: number; status?: 'succeeded' | 'failed' }[],
  searchSpace?: string,
) {
  const store = new TrialStore({ schedule: () => {} });
  store.applyTrusted({
    v: 1,
    seq: 0,
    type: 'snapshot',
    studies: [
      {
        id: 's',
        name: 's',
        status: 'running',
        createdAt: 1,
        tags: {},
        searchSpace,
        objective: { metric: 'loss', direction: 'minimize' },
      },
    ],
    trials: trials.map((t, n) => ({
      id: `t${n}`,
      studyId: 's',
      number: n,
      status: t.status ?? 'succeeded',
      params: t.params,
      tags: {},
      flags: [],
    })),
    metrics: trials.flatMap((t, n) =>
      t.value === undefined
        ? []
        : [{ trialId: `t${n}`, key: 'loss', steps: [0], values: [t.value], timestamps: [1] }],
    ),
    sync: [],
  });
  return extractAnalysis(store, store.getStudy('s')!, 'loss');
}

describe('fANOVA importance', () => {
  it('ranks a strong param over a weak one over an unused one, and a categorical by its effect', () => {
    const result = computeImportance(study(400), { seed: 0 });
    expect(result.importances.map((i) => i.name)).toEqual(['x1', 'cat', 'x2', 'x3']);
    expect(importanceOf(result, 'x1')).toBeGreaterThan(0.6);
    expect(importanceOf(result, 'x3')).toBeLessThan(0.01);
    expect(result.importances.reduce((a, i) => a + i.importance, 0)).toBeCloseTo(1, 12);
    expect(result).toMatchObject({ method: 'fanova', trials: 400, trees: 64 });
    for (const i of result.importances) expect(i.spread).toBeGreaterThanOrEqual(0);
  });

  it('agrees with the slow reference (exhaustive split search, marginals read point by point) to rounding', () => {
    for (const seed of [0, 7]) {
      const input = study(150, seed + 2);
      const fast = computeImportance(input, { seed, trees: 12 }).importances;
      const slow = referenceImportance(input, { seed, trees: 12 });
      expect(fast.map((i) => i.name)).toEqual(slow.map((i) => i.name));
      fast.forEach((i, k) => {
        expect(i.importance).toBeCloseTo(slow[k].importance, 12);
        expect(i.spread).toBeCloseTo(slow[k].spread, 12);
      });
    }
  });

  it('repeats itself for a seed, and the seed moves it only a little', () => {
    const input = study(300);
    const a = computeImportance(input, { seed: 3 });
    const b = computeImportance(input, { seed: 3 });
    const c = computeImportance(input, { seed: 4 });
    expect(b.importances).toEqual(a.importances);
    expect(c.importances).not.toEqual(a.importances);
    expect(Math.abs(importanceOf(c, 'x1') - importanceOf(a, 'x1'))).toBeLessThan(0.05);
  });

  it('grows the same forest in parts (as several workers do) as whole', () => {
    const input = study(200);
    const whole = computeImportance(input, { seed: 2 });
    const parts = [
      [0, 10],
      [10, 40],
      [40, 64],
    ].map(([from, to]) => computeImportance(input, { seed: 2, part: { from, to } }).sums!);
    const combined = fanovaProgram().combineImportance(parts, 0);
    expect(combined.trees).toBe(64);
    expect(combined.importances.map((i) => i.name)).toEqual(whole.importances.map((i) => i.name));
    combined.importances.forEach((i, k) => {
      expect(i.importance).toBeCloseTo(whole.importances[k].importance, 12);
      expect(i.spread).toBeCloseTo(whole.importances[k].spread, 12);
    });
  });

  it('runs from its own source text alone, as the worker starts it', () => {
    const program = new Function(`return (${fanovaProgram.toString()})()`)() as ReturnType<
      typeof fanovaProgram
    >;
    const input = study(120);
    const inWorker = program.computeImportance(input, { seed: 5 }).importances;
    expect(inWorker).toEqual(computeImportance(input, { seed: 5 }).importances);
  });

  it('gives zeros when nothing varies or there is nothing to fit', () => {
    const flat = computeImportance({
      params: [numeric('a', [1, 2, 3]), numeric('b', [3, 1, 2])],
      target: Float64Array.of(5, 5, 5),
    });
    expect(flat.importances.map((i) => i.importance)).toEqual([0, 0]);
    const single = computeImportance({ params: [numeric('a', [1])], target: Float64Array.of(2) });
    expect(single.importances).toEqual([{ name: 'a', importance: 0, spread: 0 }]);
    const none = computeImportance({ params: [], target: Float64Array.of(1, 2) });
    expect(none.importances).toEqual([]);
  });

  it('gives a param with a single value nothing, without fitting it', () => {
    const input = study(100);
    const withConstant = {
      ...input,
      params: [
        ...input.params,
        numeric('fixed', Array(100).fill(0.5), 0.5, 0.5),
        categorical('one', Array(100).fill(0), 1),
      ],
    };
    const result = computeImportance(withConstant, { seed: 0 });
    expect(importanceOf(result, 'fixed')).toBe(0);
    expect(importanceOf(result, 'one')).toBe(0);
    expect(result.importances.slice(0, 1).map((i) => i.name)).toEqual(['x1']);
  });

  it('refuses input outside its contract with a RangeError that names the param', () => {
    expect(() =>
      computeImportance({ params: [numeric('a', [1, Number.NaN], 0, 2)], target: Float64Array.of(1, 2) }),
    ).toThrow(/a: value NaN/);
    expect(() =>
      computeImportance({ params: [categorical('c', [0, 3], 2)], target: Float64Array.of(1, 2) }),
    ).toThrow(/c: category index 3/);
    expect(() =>
      computeImportance({
        params: [numeric('a', [1, 2])],
        target: Float64Array.of(1, Number.POSITIVE_INFINITY),
      }),
    ).toThrow(RangeError);
  });
});

describe('importance input', () => {
  it('reads declared bounds and choices from the search space, Optuna style or hand-written', () => {
    expect([
      ...declaredBounds(
        'lr: log[1e-05, 0.1] · layers: int[1, 4] · x: [0.0, 1.0] step 0.1 · opt: {adam, sgd}',
      ),
    ]).toEqual([
      ['lr', [1e-5, 0.1]],
      ['layers', [1, 4]],
      ['x', [0, 1]],
    ]);
    expect(declaredBounds('dropout: [0, 0.3] x depth: 2..8 x bad: [3, 1]').get('depth')).toEqual([2, 8]);
    expect(declaredBounds('dropout: [0, 0.3] x bad: [3, 1]').has('bad')).toBe(false);
    expect([...declaredChoices('batch: {64, 128} · opt: {adam, sgd} · lr: log[1e-5, 1]')]).toEqual([
      'batch',
      'opt',
    ]);
  });

  it('keeps trials with a finite objective and every param, in raw units within the declared bounds', () => {
    const data = storeWith(
      [
        { params: { lr: 0.001, opt: 'adam', batch: 64 }, value: 1 },
        { params: { lr: 0.01, opt: 'sgd', batch: 128 }, value: 2 },
        { params: { lr: 0.02, opt: 'sgd', batch: 64 }, value: Number.NaN },
        { params: { lr: 0.05, batch: 128 }, value: 3 },
        { params: { lr: 0.03, opt: 'adam', batch: 128 }, value: 4 },
        { params: { lr: 0.04, opt: 'sgd', batch: 64 }, status: 'failed', value: 5 },
      ],
      'lr: log[1e-05, 0.1] · opt: {adam, sgd} · batch: {64, 128}',
    );
    const { input, notes } = importanceInput(data);
    expect(Array.from(input.target)).toEqual([1, 2, 4]);
    const [batch, lr, opt] = input.params;
    expect(lr).toMatchObject({ name: 'lr', kind: 'numeric', low: 1e-5, high: 0.1 });
    expect(Array.from(lr.values)).toEqual([0.001, 0.01, 0.03]);
    expect(batch).toMatchObject({ kind: 'categorical', categories: 2 });
    expect(Array.from(batch.values)).toEqual([0, 1, 1]);
    expect(opt).toMatchObject({ kind: 'categorical', categories: 2 });
    expect(notes).toEqual(['1 trial left out for want of opt.']);
  });

  it('leaves out a param missing on most trials rather than most trials', () => {
    const trials = Array.from({ length: 10 }, (_, i) => ({
      params: { x: i, ...(i < 3 && { rare: i }) } as Record<string, ParamValue>,
      value: i,
    }));
    const { input, notes } = importanceInput(storeWith(trials));
    expect(input.params.map((p) => p.name)).toEqual(['x']);
    expect(input.target.length).toBe(10);
    expect(notes).toEqual(['rare left out: missing on 7 of 10 trials.']);
  });

  it('widens stale declared bounds to the values seen', () => {
    const data = storeWith(
      [
        { params: { x: -1 }, value: 1 },
        { params: { x: 5 }, value: 2 },
      ],
      'x: [0, 1]',
    );
    expect(importanceInput(data).input.params[0]).toMatchObject({ low: -1, high: 5 });
  });

  it(`folds the rarest categories into one past ${MAX_CATEGORIES}`, () => {
    const trials = Array.from({ length: 200 }, (_, i) => ({
      params: { c: `k${i % 20 < 10 ? i % 20 : (i % 5) + 10}` },
      value: i,
    }));
    const { input, notes } = importanceInput(storeWith(trials));
    expect(input.params[0].categories).toBe(MAX_CATEGORIES);
    expect(Math.max(...input.params[0].values)).toBe(MAX_CATEGORIES - 1);
    expect(notes).toEqual(['c: 15 categories; the 4 rarest counted as one.']);
    expect(() => computeImportance(input)).not.toThrow();
  });

  it('fits an even sample past 10,000 trials and says so', () => {
    const trials = Array.from({ length: 12_000 }, (_, i) => ({ params: { x: i % 97 }, value: (i % 97) * 2 }));
    const { input, notes } = importanceInput(storeWith(trials));
    expect(input.target.length).toBe(10_000);
    expect(notes).toEqual(['Fitted on an even sample of 10,000 trials of 12,000.']);
  });

  it('explains what it cannot rank instead of throwing', () => {
    expect(importanceInput(storeWith([])).unrankable).toBe('No params to rank.');
    expect(importanceInput(storeWith([{ params: { x: 1 }, value: 1 }])).unrankable).toBe(
      'Ranking needs two trials with loss and every param; 1 trial here.',
    );
    const three = storeWith([1, 2, 3].map((x) => ({ params: { x }, value: x })));
    expect(importanceInput(three, Uint8Array.of(0, 1, 0)).unrankable).toBe(
      'Ranking needs two trials with loss and every param; 1 trial here, with 2 left out by the filters.',
    );
    const flat = importanceInput(
      storeWith([
        { params: { x: 1 }, value: 3 },
        { params: { x: 2 }, value: 3 },
      ]),
    );
    expect(flat.unrankable).toBe('Every trial has the same loss: no param explains any of it.');
    expect(flat.notes).toEqual([]);
    expect(computeImportance(flat.input).importances).toEqual([{ name: 'x', importance: 0, spread: 0 }]);
    const hostile = importanceInput(
      storeWith([{ params: { x: Number.NaN as never, '<b>': 'x' }, value: Number.POSITIVE_INFINITY }]),
    );
    expect(hostile.input.target.length).toBe(0);
  });

  it('never hands the forest a NaN', () => {
    const trials = Array.from({ length: 50 }, (_, i) => ({
      params: { x: i % 7 === 0 ? 'text' : i, y: i % 5 === 0 ? Number.NaN : i * 2, z: i % 3 } as Record<
        string,
        ParamValue
      >,
      value: i % 11 === 0 ? Number.NaN : i,
    }));
    const { input } = importanceInput(storeWith(trials));
    for (const p of input.params) for (const v of p.values) expect(Number.isNaN(v)).toBe(false);
    for (const y of input.target) expect(Number.isFinite(y)).toBe(true);
    expect(() => computeImportance(input)).not.toThrow();
  });
});
