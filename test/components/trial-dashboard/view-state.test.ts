// The view state's query string: readable for a typical view, lossless for any valid state, and
// forgiving of anything else (a link edited by hand, truncated, or written by another version).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_VIEW,
  fromQuery,
  toQuery,
  type ViewState,
} from '../../../src/components/trial-dashboard/view-state.js';
import type { ParamFilter } from '../../../src/components/trial-table/filter.js';
import { TrialStatus } from '../../../src/protocol/index.js';

const typical: ViewState = {
  ...DEFAULT_VIEW,
  study: '7d1c2f0e9a8b4c3d',
  selected: ['3f2a9c1b7e6d4a5f8b0c1d2e3f4a5b6c', '9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d'],
  metrics: ['val_loss', 'accuracy'],
  zoom: [3000, 4000],
  sort: [{ column: 'metric:val_loss', direction: 'asc' }],
};

/** A finite number that survives `String` and `Number` exactly (no -0). */
const finite = fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n));
const word = fc.string({ minLength: 1, unit: 'grapheme' });
const words = fc.uniqueArray(word, { maxLength: 4 });
const bounds = fc
  .tuple(fc.option(finite, { nil: undefined }), fc.option(finite, { nil: undefined }))
  .filter(([min, max]) => (min !== undefined || max !== undefined) && !(min! > max!))
  .map(([min, max]) => ({ ...(min !== undefined && { min }), ...(max !== undefined && { max }) }));

const viewState: fc.Arbitrary<ViewState> = fc.record({
  study: fc.option(word, { nil: undefined }),
  selected: words,
  compare: fc.boolean(),
  metrics: fc.option(words, { nil: undefined }),
  xAxis: fc.constantFrom('step', 'wall', 'relative'),
  xMetric: fc.option(word.map((w) => w.trim()).filter(Boolean), { nil: undefined }),
  yScale: fc.constantFrom('linear', 'log'),
  smoothing: fc.oneof(fc.constant(0), fc.double({ min: 0.001, max: 0.999, noNaN: true })),
  smoothingKind: fc.constantFrom('ema', 'running', 'gaussian'),
  groupBy: fc.option(word.map((w) => w.trim()).filter(Boolean), { nil: undefined }),
  groupStat: fc.constantFrom('mean', 'median'),
  groupBand: fc.constantFrom('minmax', 'std', 'none'),
  zoom: fc.option(
    fc.tuple(finite, finite).filter(([a, b]) => a < b && Number.isFinite(b - a)),
    { nil: undefined },
  ),
  sort: fc.uniqueArray(
    fc.record({
      column: word.filter((c) => !c.startsWith('-')),
      direction: fc.constantFrom('asc', 'desc'),
    }),
    { maxLength: 3, selector: (s) => s.column },
  ),
  filters: fc.record(
    {
      status: fc.uniqueArray(fc.constantFrom(...Object.values(TrialStatus)), { minLength: 1 }),
      flags: fc.uniqueArray(word, { minLength: 1, maxLength: 3 }),
      text: word.map((t) => t.trim()).filter(Boolean),
      metrics: fc.array(
        fc.tuple(word, bounds).map(([key, b]) => ({ key, ...b })),
        { minLength: 1, maxLength: 2 },
      ),
      params: fc
        .uniqueArray(
          fc.tuple(word, words, fc.option(bounds, { nil: undefined })).map(([name, values, b]) => ({
            name,
            ...(values.length && { values }),
            ...b,
          })),
          { minLength: 1, maxLength: 2, selector: (p) => p.name },
        )
        .filter((params) => params.every((p) => p.values || 'min' in p || 'max' in p)),
    },
    { requiredKeys: [] },
  ),
});

describe('view state', () => {
  it('writes a typical view as a short, readable query', () => {
    const query = toQuery(typical);
    expect(query).toBe(
      'v=1&study=7d1c2f0e9a8b4c3d&sel=3f2a9c1b7e6d4a5f8b0c1d2e3f4a5b6c,9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d' +
        '&m=val_loss,accuracy&zoom=3000-4000&sort=metric:val_loss',
    );
    expect(query.length).toBeLessThan(160);
  });

  it('leaves defaults out', () => {
    expect(toQuery(DEFAULT_VIEW)).toBe('v=1');
    expect(fromQuery('')).toEqual({ ...DEFAULT_VIEW, study: undefined, metrics: undefined, zoom: undefined });
  });

  it('reads a hand-written link without a version', () => {
    expect(fromQuery('?study=GPT+search').study).toBe('GPT search');
  });

  it('drops unknown keys, values and another version', () => {
    const state = fromQuery(
      'v=1&x=sideways&y=log&s=7&zoom=4000-3000&status=running,bogus&colour=red&sel=%E0%A4%A',
    );
    expect(state).toMatchObject({
      xAxis: 'step',
      yScale: 'log',
      smoothing: 0,
      zoom: undefined,
      selected: [],
    });
    expect(state.filters).toEqual({ status: ['running'] });
    expect(fromQuery('v=2&study=s1')).toEqual(DEFAULT_VIEW);
  });

  it('reads negative and exponent zoom windows', () => {
    expect(fromQuery('zoom=-5--3').zoom).toEqual([-5, -3]);
    expect(fromQuery('zoom=1e-7-2e-7').zoom).toEqual([1e-7, 2e-7]);
    // Finite ends whose width is not: no scale can draw it.
    expect(fromQuery('zoom=-1e308-1e308').zoom).toBe(undefined);
  });

  it('gives a valid state for any string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.webQueryParameters()), (query) => {
        const state = fromQuery(query);
        expect(['step', 'wall', 'relative']).toContain(state.xAxis);
        expect(['linear', 'log']).toContain(state.yScale);
        expect(state.smoothing >= 0 && state.smoothing < 1).toBe(true);
        if (state.zoom) expect(state.zoom[0]).toBeLessThan(state.zoom[1]);
        expect(fromQuery(toQuery(state))).toEqual(fromQuery(toQuery(fromQuery(toQuery(state)))));
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips any valid state (param filters come back as text, in name order)', () => {
    const byName = (params: readonly ParamFilter[] = []) =>
      [...params]
        .map((p) => ({ ...p, ...(p.values && { values: p.values.map(String) }) }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    fc.assert(
      fc.property(viewState, (state) => {
        const back = fromQuery(toQuery(state));
        expect({ ...back, filters: { ...back.filters, params: byName(back.filters.params) } }).toEqual({
          ...state,
          filters: { ...state.filters, params: byName(state.filters.params) },
        });
      }),
      { numRuns: 1000 },
    );
  });
});
