import { describe, expect, it } from 'vitest';
import { TrialStore } from '../../../src/client/store.js';
import {
  directionOf,
  extractAnalysis,
  leftOutNotes,
} from '../../../src/components/analysis/analysis-data.js';
import { ticksOf } from '../../../src/components/analysis/axis-scale.js';
import { declaredScales } from '../../../src/components/analysis/log-params.js';
import { bestSoFar, paretoFront } from '../../../src/components/analysis/pareto.js';
import { axesOf } from '../../../src/components/parallel-coords/axes.js';
import {
  brushAfterKey,
  brushesFrom,
  brushFilters,
  keptBy,
} from '../../../src/components/parallel-coords/brushes.js';
import type { Study, Trial } from '../../../src/protocol/index.js';
import { analysisStudy } from '../../fixtures/analysis-study.js';

function storeWith(
  trials: { params: Trial['params']; value?: number; status?: Trial['status'] }[],
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
  return store;
}
const analyse = (store: TrialStore) => extractAnalysis(store, store.getStudy('s')!, 'loss');

describe('analysis columns', () => {
  it("reads each ranged param's declared scale from the search space, Optuna style or hand-written", () => {
    expect(
      Object.fromEntries(
        declaredScales('layers: int[1, 4] · lr: log[1e-05, 0.1] · opt: {adam, sgd} · wd: int log[1, 100]'),
      ),
    ).toEqual({ layers: 'linear', lr: 'log', wd: 'log' });
    expect(Object.fromEntries(declaredScales('lr: log[1e-4, 3e-1] x dropout: [0, 0.3] step 0.1'))).toEqual({
      lr: 'log',
      dropout: 'linear',
    });
    expect(declaredScales(undefined).size).toBe(0);
  });

  it('keeps a param the search space declares linear on a linear axis, however wide its spread', () => {
    const store = storeWith(
      [0.00011, 0.3, 0.6, 0.95].map((x, i) => ({ params: { x, y: x }, value: i })),
      'x: [0.0, 1.0]',
    );
    const byName = Object.fromEntries(analyse(store).params.map((p) => [p.name, p]));
    expect(byName.x).toMatchObject({ scale: 'linear', unplaced: 0 });
    // Undeclared, the same spread (almost four decades) reads as log.
    expect(byName.y).toMatchObject({ scale: 'log', logBy: 'spread' });
  });

  it('makes numbers (and text spelling numbers) linear, wide positive ranges log, text and booleans categorical', () => {
    const store = storeWith(
      [1, 2, 3, 4].map((i) => ({
        params: {
          depth: String(i),
          scale: 10 ** i,
          opt: i % 2 ? 'adam' : 'sgd',
          bn: i % 2 === 0,
          lr: i / 1000,
        },
        value: i,
      })),
      'lr: log[1e-3, 1e-2]',
    );
    const byName = Object.fromEntries(analyse(store).params.map((p) => [p.name, p]));
    expect(byName.depth.scale).toBe('linear');
    expect(byName.scale).toMatchObject({ scale: 'log', logBy: 'spread' });
    expect(byName.lr).toMatchObject({ scale: 'log', logBy: 'search-space' });
    expect(byName.opt).toMatchObject({ scale: 'categorical', categories: ['adam', 'sgd'] });
    expect(byName.bn).toMatchObject({ scale: 'categorical', categories: ['false', 'true'] });
  });

  it('counts missing params, values an axis cannot place, and trials without a finite objective', () => {
    const trials = Array.from({ length: 20 }, (_, i) => ({
      params: { x: i === 3 ? 'auto' : i, ...(i % 5 ? { y: i } : {}) } as Trial['params'],
      value: i === 0 ? Number.NaN : i === 1 ? Number.POSITIVE_INFINITY : i,
    }));
    trials.push({ params: { x: 1 }, value: 1, status: 'running' } as never);
    const data = analyse(storeWith(trials));
    const x = data.params.find((p) => p.name === 'x')!;
    const y = data.params.find((p) => p.name === 'y')!;
    expect(x).toMatchObject({ scale: 'linear', unplaced: 1, missing: 0 });
    expect(y.missing).toBe(4);
    expect(data).toMatchObject({ unfinished: 1, noObjective: 2 });
    const notes = leftOutNotes(data).join('\n');
    expect(notes).toContain('1 trial not finished');
    expect(notes).toContain('2 finished trials without a finite loss');
    expect(notes).toContain('x: 1 value that are not numbers');
    expect(notes).toContain('y: 4 trials without it');
  });

  it('stays usable with a single trial and all-equal values', () => {
    const data = analyse(storeWith([{ params: { a: 3, b: 'x' }, value: 0.5 }]));
    expect(data.trials).toHaveLength(1);
    const [axisA] = axesOf(data);
    expect(axisA.at[0]).toBe(0.5);
    expect(leftOutNotes(data)).toContain('a: every trial has the same value.');
  });
});

describe('best so far and the Pareto front', () => {
  it('keeps the best value seen, skipping NaN', () => {
    expect([...bestSoFar(Float64Array.of(Number.NaN, 3, 4, 2, Number.NaN, 5), 'minimize')]).toEqual([
      Number.NaN,
      3,
      3,
      2,
      2,
      2,
    ]);
    expect([...bestSoFar(Float64Array.of(1, 3, 2), 'maximize')]).toEqual([1, 3, 3]);
  });

  it('finds the points no other beats on both objectives', () => {
    const a = Float64Array.of(1, 2, 3, 2.5, 4, Number.NaN);
    const b = Float64Array.of(5, 3, 1, 4, 0.5, 0);
    expect(paretoFront(a, b, ['minimize', 'minimize'])).toEqual([0, 1, 2, 4]);
    expect(paretoFront(a, b, ['maximize', 'maximize'])).toEqual([4, 2, 3, 0]);
  });
});

describe('brushes as table filters', () => {
  const data = extractAnalysis(
    (() => {
      const store = new TrialStore({ schedule: () => {} });
      store.applyTrusted(analysisStudy({ trials: 300 }));
      return store;
    })(),
    analysisStudy({ trials: 1 }).studies[0],
    'val_loss',
  );

  it('turn numeric, categorical and metric brushes into ranges and values, and back', () => {
    const axes = axesOf(data);
    const brushes = new Map<string, readonly [number, number]>([
      ['param:lr', [0.25, 0.75]],
      ['param:optimizer', [0, 0.5]],
      ['metric', [0, 0.3]],
    ]);
    const filters = brushFilters(
      { text: 'keep me', params: [{ name: 'other', values: ['x'] }] },
      axes,
      brushes,
      'val_loss',
    );
    expect(filters.text).toBe('keep me');
    expect(filters.params?.find((p) => p.name === 'other')).toEqual({ name: 'other', values: ['x'] });
    expect(filters.params?.find((p) => p.name === 'optimizer')).toEqual({
      name: 'optimizer',
      values: ['adam', 'adamw'],
    });
    const lr = (filters.params ?? []).find((p) => p.name === 'lr')!;
    const column = data.params.find((p) => p.name === 'lr')!;
    const decades = column.max / column.min;
    expect(lr.min! / (column.min * decades ** 0.25)).toBeCloseTo(1, 9);
    expect(lr.max! / (column.min * decades ** 0.75)).toBeCloseTo(1, 9);
    const back = brushesFrom(filters, axes, 'val_loss');
    expect(back.get('param:lr')![0]).toBeCloseTo(0.25, 2);
    expect(back.get('param:lr')![1]).toBeCloseTo(0.75, 2);
    expect(back.get('metric')![1]).toBeCloseTo(0.3, 6);
    expect(back.get('param:optimizer')).toEqual([0, 0.5]);
  });

  it("leave the table's conditions no brush can say, until their axis is brushed", () => {
    const axes = axesOf(data);
    const optimizer = axes.find((a) => a.key === 'param:optimizer')!;
    if (optimizer.domain.scale !== 'categorical') throw new Error('optimizer should be categorical');
    const [first, , third] = optimizer.domain.categories;
    const dropout = data.params.find((p) => p.name === 'dropout')!;
    const table = {
      params: [
        { name: 'dropout', values: [dropout.values[0]] },
        { name: 'optimizer', values: [first, third] },
      ],
    };
    // A value list on a numeric axis and categories that are not neighbours: no brush says them ...
    expect(brushesFrom(table, axes, 'val_loss').size).toBe(0);
    // ... so a brush on another axis keeps them as they are ...
    const brushed = brushFilters(table, axes, new Map([['param:lr', [0.25, 0.75]]]), 'val_loss');
    expect(brushed.params?.filter((p) => p.name !== 'lr')).toEqual(table.params);
    // ... and the plot counts them among the other conditions, as the table does.
    expect(brushFilters(table, axes, new Map(), 'val_loss').params).toEqual(table.params);
    // A brush on their own axis takes over.
    const taken = brushFilters(table, axes, new Map([[optimizer.key, [0, 1]]]), 'val_loss');
    expect(taken.params?.find((p) => p.name === 'optimizer')?.values).toEqual(optimizer.domain.categories);
  });

  it('keep a trial on the edge of a brush, as the table keeps it (positions are float32)', () => {
    const at = new Float32Array([0.8, 0.2, 0.81]);
    const axis = { ...axesOf(data)[0], key: 'edge', at };
    expect(keptBy([axis], new Map([['edge', [0.2, 0.8]]]), 3).kept).toBe(2);
  });

  it('keep exactly the trials within every brushed range', () => {
    const axes = axesOf(data);
    const { mask, kept } = keptBy(axes, new Map([['param:dropout', [0, 0.5]]]), data.trials.length);
    const dropout = data.params.find((p) => p.name === 'dropout')!;
    const expected = [...dropout.values].filter(
      (v) => v <= dropout.min + 0.5 * (dropout.max - dropout.min),
    ).length;
    expect(kept).toBe(expected);
    expect(mask!.reduce((s, v) => s + v, 0)).toBe(expected);
  });

  it('move a brush on a categorical axis by keys a category at a time', () => {
    const axes = axesOf(data);
    const axis = axes.find((a) => a.key === 'param:optimizer')!;
    if (axis.domain.scale !== 'categorical') throw new Error('optimizer should be categorical');
    const n = axis.domain.categories.length;
    expect(n).to.be.greaterThan(2);
    const valuesOf = (brush: readonly [number, number]) =>
      brushFilters({}, axes, new Map([[axis.key, brush]]), 'val_loss').params![0].values!;
    const key = (brush: readonly [number, number] | undefined, name: string, shift = false) =>
      brushAfterKey(brush, name, shift, n)!.next!;
    const first = key(undefined, 'Enter');
    const middle = axis.domain.categories[Math.floor((n - 1) / 2)];
    expect(valuesOf(first)).toEqual([middle]);
    // Each arrow moves one category; Shift widens by one; the brush never leaves the axis.
    let brush = first;
    const seen = [valuesOf(brush)[0]];
    for (let k = 0; k < n; k++) {
      brush = key(brush, 'ArrowUp');
      seen.push(valuesOf(brush)[0]);
    }
    expect(seen.slice(0, n - Math.floor((n - 1) / 2))).toEqual(
      axis.domain.categories.slice(Math.floor((n - 1) / 2)),
    );
    expect(valuesOf(brush)).toEqual([axis.domain.categories[n - 1]]);
    const wider = key(key(brush, 'ArrowDown'), 'ArrowUp', true);
    expect(valuesOf(wider)).toEqual(axis.domain.categories.slice(n - 2));
  });

  it('move a brush by keys onto exact ends, so the trials at an end stay kept', () => {
    const axes = axesOf(data);
    const dropout = data.params.find((p) => p.name === 'dropout')!;
    const atBottom = [...dropout.values].filter((v) => v === dropout.min).length;
    expect(atBottom).toBeGreaterThan(0);
    const press = (brush: readonly [number, number], key: string, times: number, shift = false) => {
      let next = brush;
      for (let k = 0; k < times; k++) next = brushAfterKey(next, key, shift)!.next!;
      return next;
    };
    // Five steps down from the middle half: the bottom end reaches 0 exactly, not 1e-17.
    const down = press([0.25, 0.75], 'ArrowDown', 5);
    expect(down).toEqual([0, 0.5]);
    expect(press([0.25, 0.75], 'ArrowUp', 5)).toEqual([0.5, 1]);
    // An arrow on an axis without a brush brushes its middle; Right and Left move as Up and Down.
    expect(brushAfterKey(undefined, 'ArrowRight', false)!.next).toEqual([0.25, 0.75]);
    expect(press([0.25, 0.75], 'ArrowLeft', 5)).toEqual(down);
    expect(press([0.25, 0.75], 'ArrowRight', 5)).toEqual([0.5, 1]);
    const narrowed = press(down, 'ArrowDown', 9, true);
    expect(narrowed).toEqual([0, 0.05]);
    const { kept } = keptBy(axes, new Map([['param:dropout', narrowed]]), data.trials.length);
    expect(kept).toBeGreaterThanOrEqual(atBottom);
    const [filter] = brushFilters({}, axes, new Map([['param:dropout', narrowed]]), 'val_loss').params!;
    expect(filter.min).toBe(dropout.min);
  });
});

describe('the direction of an analysed metric', () => {
  const study = (objective?: Study['objective']) =>
    ({ id: 's', name: 's', status: 'running', createdAt: 0, tags: {}, objective }) as Study;
  it("is the objective's for the objective, else guessed from the metric's name", () => {
    expect(directionOf(study({ metric: 'loss', direction: 'maximize' }), 'loss')).toBe('maximize');
    for (const name of ['accuracy', 'val_acc', 'f1', 'eval/auc', 'episode_reward', 'mAP'])
      expect(directionOf(study(), name), name).toBe('maximize');
    for (const name of ['loss', 'val_loss', 'error', 'accuracy_loss', 'latency_ms', 'lr', 'epoch'])
      expect(directionOf(study(), name), name).toBe('minimize');
    // A multi-objective Optuna study's second value has its direction in the study's tags.
    const multi = {
      ...study({ metric: 'value_0', direction: 'minimize' }),
      tags: { 'optuna.directions': 'minimize,maximize' },
    };
    expect(directionOf(multi, 'value_1')).toBe('maximize');
    expect(directionOf(multi, 'value_2')).toBe('minimize');
  });
});

describe('axis ticks', () => {
  const linear = (min: number, max: number, integers?: boolean) => ({
    scale: 'linear' as const,
    min,
    max,
    categories: [],
    integers,
  });
  it('ticks an axis of whole numbers (an int param) at whole values only', () => {
    expect(ticksOf(linear(1, 4, true)).map((t) => t.label)).toEqual(['1', '2', '3', '4']);
    expect(ticksOf(linear(1, 4)).map((t) => t.label)).toContain('1.5');
    const store = storeWith([1, 2, 4].map((layers, i) => ({ params: { layers, dropout: i / 4 }, value: i })));
    const byName = Object.fromEntries(analyse(store).params.map((p) => [p.name, p]));
    expect(byName.layers.integers).toBe(true);
    expect(byName.dropout.integers).toBeUndefined();
  });
});
