// Property tests of series windows, run on every adapter: for random series (out-of-order appends
// in several batches, NaN, ±Infinity, duplicate steps) and random windows on every x axis, the
// answer equals the reference M4 over the raw points. Seeded, so a failure names its seed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { m4Columns, type SeriesWindowQuery, type SeriesWindowX } from '../../../src/protocol/index.js';
import { seededRandom } from '../../../src/server/seeded-random.js';
import type { ColumnarPoints, Storage } from '../../../src/sync/index.js';
import { study, trial } from './conformance.js';

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];
const int = (random: Random, lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

/** A random series in append order: dense or sparse steps, shuffled blocks, duplicates, non-finite values. */
export function randomSeries(random: Random): ColumnarPoints {
  const n = pick(random, [0, 1, 5, 200, 3000, 9000]);
  const stride = pick(random, [1, 1, 3, 37, 1000]);
  const origin = pick(random, [0, 0, 5, -40, 65_530]);
  const steps = Array.from({ length: n }, (_, i) => origin + i * stride);
  if (random() < 0.5) {
    // Out of order: swap random blocks.
    for (let k = 0; k < n / 50; k++) {
      const a = int(random, 0, n - 1);
      const b = int(random, 0, n - 1);
      [steps[a], steps[b]] = [steps[b], steps[a]];
    }
  }
  for (let k = 0; k < n / 20; k++)
    if (random() < 0.5) steps[int(random, 0, n - 1)] = steps[int(random, 0, n - 1)];
  const p: ColumnarPoints = {
    steps: Float64Array.from(steps),
    values: new Float64Array(n),
    timestamps: new Float64Array(n),
  };
  const levels = pick(random, [3, 1000, 1e9]);
  for (let i = 0; i < n; i++) {
    const r = random();
    p.values[i] =
      r < 0.02
        ? Number.NaN
        : r < 0.03
          ? Number.POSITIVE_INFINITY
          : r < 0.04
            ? Number.NEGATIVE_INFINITY
            : Math.round((random() - 0.5) * levels) / 7;
    p.timestamps[i] = 1_700_000_000_000 + Math.floor(i * 10 + random() * 30);
  }
  return p;
}

function slice(p: ColumnarPoints, from: number, to: number): ColumnarPoints {
  return {
    steps: p.steps.slice(from, to),
    values: p.values.slice(from, to),
    timestamps: p.timestamps.slice(from, to),
  };
}

/** A random window over `[lo, hi]`: defaulted, aligned to the 16-step grid, or arbitrary. */
function randomRange(random: Random, x: SeriesWindowX, lo: number, hi: number, columns: number) {
  const kind = pick(random, ['default', 'aligned', 'any', 'any', 'half']);
  if (kind === 'default') return {};
  if (kind === 'half') return random() < 0.5 ? { from: lo + (hi - lo) / 3 } : { to: hi - (hi - lo) / 3 };
  if (kind === 'aligned' && x === 'step') {
    const width = 16 * int(random, 1, 8);
    const from = Math.floor(lo / 16) * 16 + 16 * int(random, 0, 20);
    return { from, to: from + width * columns - 1 };
  }
  const a = lo + random() * (hi - lo) * 1.1 - (hi - lo) * 0.05;
  const b = a + random() * (hi - a) * 1.05;
  return { from: a, to: b };
}

/** Registers the window properties for one adapter. */
export function describeSeriesWindows(
  name: string,
  open: () => Storage,
  cleanup?: () => Promise<void>,
  /** Whether every store `open()` gives shares one database (then appends through another are tried too). */
  shared = false,
) {
  describe(`series windows: ${name}`, () => {
    let store: Storage;
    beforeAll(async () => {
      store = open();
      await store.ready();
    });
    afterAll(async () => {
      await store?.close();
      await cleanup?.();
    });

    it('stays exact when appends come between repeated windows, from this store or another', async () => {
      const other = shared ? open() : store;
      try {
        const s = study();
        await store.upsertStudy(s);
        const t = trial(s.id, 0);
        await store.upsertTrial(t);
        const random = seededRandom(99);
        const p = randomSeries(random);
        const query: SeriesWindowQuery = {
          studyId: s.id,
          key: 'loss',
          x: 'step',
          from: 0,
          to: 16 * 64 * 100 - 1,
          columns: 100,
        };
        const writers = [store, other];
        for (let round = 0; round < 4; round++) {
          const writer = writers[round % 2];
          await writer.appendPoints(t.id, 'loss', {
            steps: Float64Array.of(round * 4000 + 7, round * 300 + 1),
            values: Float64Array.of(round - 10, 1e9 + round),
            timestamps: Float64Array.of(1, 2),
          });
          if (round === 0 && p.steps.length > 0) await writer.appendPoints(t.id, 'loss', p);
          const raw = await store.readSeries(t.id, 'loss');
          for (let repeat = 0; repeat < 2; repeat++) {
            const window = await store.getSeriesWindow(query);
            const expected = m4Columns(raw, 'step', window.from, window.to, query.columns);
            expect(window.series[0].steps, `round ${round}`).toEqual(expected.steps);
            expect(window.series[0].values, `round ${round}`).toEqual(expected.values);
          }
        }
      } finally {
        if (other !== store) await other.close();
      }
    });

    it('stays exact for close zooms and time windows read from raw points while the last chunk grows', async () => {
      const other = shared ? open() : store;
      try {
        const s = study();
        await store.upsertStudy(s);
        const t = trial(s.id, 0);
        await store.upsertTrial(t);
        const n = 6000;
        const steps = Float64Array.from({ length: n }, (_, i) => i);
        await store.appendPoints(t.id, 'loss', {
          steps,
          values: steps.map((x) => Math.sin(x)),
          timestamps: steps.map((x) => x * 10),
        });
        // Few points per column: the window is reduced from raw points, chunks read whole and kept.
        const query: SeriesWindowQuery = {
          studyId: s.id,
          key: 'loss',
          x: 'step',
          from: 3000,
          to: 5999,
          columns: 500,
        };
        for (let round = 0; round < 4; round++) {
          const raw = await store.readSeries(t.id, 'loss');
          for (let repeat = 0; repeat < 2; repeat++) {
            const window = await store.getSeriesWindow(query);
            const expected = m4Columns(raw, 'step', window.from, window.to, query.columns);
            expect(window.series[0].steps, `round ${round}`).toEqual(expected.steps);
            expect(window.series[0].values, `round ${round}`).toEqual(expected.values);
            // By time, every raw point is read: the chunks held answer again.
            const byTime = await store.getSeriesWindow({ ...query, x: 'time', from: 0, to: 59_990 });
            const exact = m4Columns(raw, 'time', byTime.from, byTime.to, query.columns);
            expect(byTime.series[0].steps, `round ${round}, by time`).toEqual(exact.steps);
            expect(byTime.series[0].values, `round ${round}, by time`).toEqual(exact.values);
          }
          // Points back inside the window land in the last chunk, after what was read of it.
          await [store, other][round % 2].appendPoints(t.id, 'loss', {
            steps: Float64Array.of(4100 + round, 5900 - round),
            values: Float64Array.of(50 + round, -50 - round),
            timestamps: Float64Array.of(1, 2),
          });
        }
      } finally {
        if (other !== store) await other.close();
      }
    });

    it('answers every random window exactly as M4 over the raw points', async () => {
      for (let seed = 1; seed <= 8; seed++) {
        const random = seededRandom(seed);
        const s = study();
        await store.upsertStudy(s);
        const trials = Array.from({ length: 3 }, (_, i) =>
          trial(s.id, i, random() < 0.5 ? { startedAt: 1_699_999_999_000 } : {}),
        );
        for (const t of trials) await store.upsertTrial(t);
        for (const t of trials) {
          const p = randomSeries(random);
          // Several batches, cut at random points.
          let at = 0;
          while (at < p.steps.length) {
            const end = Math.min(p.steps.length, at + int(random, 1, 4000));
            await store.appendPoints(t.id, 'loss', slice(p, at, end));
            at = end;
          }
        }
        const raw = await Promise.all(trials.map((t) => store.readSeries(t.id, 'loss')));
        if (raw.every((r) => r.steps.length === 0)) continue;
        for (let w = 0; w < 8; w++) {
          const x = pick(random, ['step', 'step', 'time', 'relative'] as const);
          const starts = trials.map((t, i) =>
            x === 'relative' ? (t.startedAt ?? firstByStepTime(raw[i])) : 0,
          );
          const subset = random() < 0.3 ? [2, 0] : undefined;
          const xs = (subset ?? [0, 1, 2]).flatMap((i) =>
            Array.from(x === 'step' ? raw[i].steps : raw[i].timestamps, (v) => v - starts[i]),
          );
          if (xs.length === 0) continue;
          const lo = xs.reduce((a, b) => Math.min(a, b));
          const hi = xs.reduce((a, b) => Math.max(a, b));
          const columns = pick(random, [1, 3, 16, 100, 700]);
          const query: SeriesWindowQuery = {
            studyId: s.id,
            key: 'loss',
            x,
            columns,
            ...randomRange(random, x, lo, hi, columns),
            ...(subset && { trialIds: subset.map((i) => trials[i].id) }),
          };
          const window = await store.getSeriesWindow(query);
          const label = `seed ${seed}, window ${w}: ${JSON.stringify(query)}`;
          expect(window.from, label).toBe(
            query.from ?? (query.to !== undefined && query.to < lo ? query.to : lo),
          );
          if (window.from <= (query.to ?? hi)) expect(window.to, label).toBe(query.to ?? hi);
          const ids = query.trialIds ?? trials.map((t) => t.id);
          expect(
            window.series.map((part) => part.trialId),
            label,
          ).toEqual(ids);
          for (const part of window.series) {
            const i = trials.findIndex((t) => t.id === part.trialId);
            const expected = m4Columns(raw[i], x, window.from, window.to, columns, starts[i]);
            expect({ ...part }, label).toEqual({ trialId: part.trialId, exact: true, ...expected });
          }
        }
      }
    }, 300_000);

    it('counts relative time from the first point by step when the trial has no start', async () => {
      const s = study();
      await store.upsertStudy(s);
      const t = trial(s.id, 0);
      await store.upsertTrial(t);
      // Step 0 is logged fifth, and at the earliest time: the zero of every relative axis.
      const p: ColumnarPoints = {
        steps: Float64Array.of(50, 10, 20, 30, 0, 60),
        values: Float64Array.of(5, 1, 2, 3, 0, 6),
        timestamps: Float64Array.of(150_000, 110_000, 120_000, 130_000, 100_000, 160_000),
      };
      await store.appendPoints(t.id, 'loss', p);
      const window = await store.getSeriesWindow({ studyId: s.id, key: 'loss', x: 'relative', columns: 100 });
      expect([window.from, window.to]).toEqual([0, 60_000]);
      const expected = m4Columns(p, 'relative', 0, 60_000, 100, 100_000);
      expect(window.series[0].steps).toEqual(expected.steps);
      expect(window.series[0].steps).toHaveLength(6);
    });

    it('stays exact while small appends, many series at a time, wait in the series tails', async () => {
      for (let seed = 21; seed <= 24; seed++) {
        const random = seededRandom(seed);
        const s = study();
        await store.upsertStudy(s);
        const trials = Array.from({ length: 3 }, (_, i) => trial(s.id, i));
        for (const t of trials) await store.upsertTrial(t);
        const series = trials.map(() => randomSeries(random));
        const at = trials.map(() => 0);
        let round = 0;
        while (at.some((a, i) => a < series[i].steps.length)) {
          // One call: a few small appends per trial (sometimes two to one series), and one to a missing trial.
          const appends = trials.flatMap((t, i) =>
            Array.from({ length: int(random, 0, 2) }, () => {
              const end = Math.min(series[i].steps.length, at[i] + int(random, 1, 60));
              const points = slice(series[i], at[i], end);
              at[i] = end;
              return { trialId: t.id, key: 'loss', points };
            }),
          );
          const missing = { trialId: 'no-such-trial', key: 'loss', points: slice(series[0], 0, 1) };
          const totals = await store.appendPointsMany([...appends, missing]);
          expect(totals[totals.length - 1]).toBeUndefined();
          if (round++ % 25 !== 0) continue;
          const raw = await Promise.all(trials.map((t) => store.readSeries(t.id, 'loss')));
          raw.forEach((r, i) => {
            expect(Array.from(r.steps), `seed ${seed}`).toEqual(
              Array.from(series[i].steps.subarray(0, at[i])),
            );
          });
          if (raw.every((r) => r.steps.length === 0)) continue;
          const part = await store.readSeries(trials[0].id, 'loss', Math.floor(at[0] / 3), at[0] - 1);
          expect(Array.from(part.values)).toEqual(
            Array.from(series[0].values.subarray(Math.floor(at[0] / 3), Math.max(0, at[0] - 1))),
          );
          const x = pick(random, ['step', 'step', 'time'] as const);
          const columns = pick(random, [1, 16, 100]);
          const window = await store.getSeriesWindow({ studyId: s.id, key: 'loss', x, columns });
          for (const [i, p] of window.series.entries()) {
            const expected = m4Columns(raw[i], x, window.from, window.to, columns);
            expect({ ...p }, `seed ${seed}, round ${round}`).toEqual({
              trialId: trials[i].id,
              exact: true,
              ...expected,
            });
          }
          const summaries = await store.getSeriesSummaries(s.id);
          expect(summaries.map((m) => m.count)).toEqual(raw.map((r) => r.steps.length).filter((n) => n > 0));
        }
        expect(await store.readSeries(trials[2].id, 'loss')).toEqual(series[2]);
      }
    }, 300_000);

    it('keeps count, first, last, min and max of every series', async () => {
      const random = seededRandom(99);
      const s = study();
      await store.upsertStudy(s);
      const t = trial(s.id, 0);
      await store.upsertTrial(t);
      const p = randomSeries(random);
      await store.appendPoints(t.id, 'acc', slice(p, 0, 100));
      await store.appendPoints(t.id, 'acc', slice(p, 100, p.steps.length));
      await store.appendPoints(t.id, 'nan', {
        steps: Float64Array.of(2, 1),
        values: Float64Array.of(NaN, NaN),
        timestamps: Float64Array.of(5, 6),
      });
      const summaries = await store.getSeriesSummaries(s.id);
      const point = (i: number) => ({ step: p.steps[i], value: p.values[i], timestamp: p.timestamps[i] });
      const order = Array.from(p.steps, (_, i) => i).sort((a, b) => p.steps[a] - p.steps[b] || a - b);
      const finite = order.filter((i) => !Number.isNaN(p.values[i]));
      const min = finite.reduce((m, i) => (p.values[i] < p.values[m] ? i : m), finite[0]);
      const max = finite.reduce((m, i) => (p.values[i] > p.values[m] ? i : m), finite[0]);
      expect(summaries).toEqual([
        {
          trialId: t.id,
          key: 'acc',
          count: p.steps.length,
          first: point(order[0]),
          last: point(order[order.length - 1]),
          min: point(min),
          max: point(max),
        },
        {
          trialId: t.id,
          key: 'nan',
          count: 2,
          first: { step: 1, value: NaN, timestamp: 6 },
          last: { step: 2, value: NaN, timestamp: 5 },
          min: null,
          max: null,
        },
      ]);
    });

    it('refuses windows of other studies, unknown keys and unknown studies, naming the field', async () => {
      const s = study();
      await store.upsertStudy(s);
      const t = trial(s.id, 0);
      await store.upsertTrial(t);
      await store.appendPoints(t.id, 'loss', {
        steps: Float64Array.of(1),
        values: Float64Array.of(1),
        timestamps: Float64Array.of(1),
      });
      const base = { studyId: s.id, key: 'loss', x: 'step', columns: 10 } as const;
      await expect(store.getSeriesWindow({ ...base, trialIds: [t.id, 'elsewhere'] })).rejects.toMatchObject({
        name: 'ValidationError',
        path: 'trialIds.1',
      });
      await expect(store.getSeriesWindow({ ...base, key: 'nope' })).rejects.toMatchObject({ path: 'key' });
      await expect(store.getSeriesWindow({ ...base, from: 5, to: 1 })).rejects.toMatchObject({ path: 'to' });
      await expect(store.getSeriesWindow({ ...base, studyId: 'missing-study' })).rejects.toMatchObject({
        name: 'NotFoundError',
      });
    });
  });
}

/** Relative time's zero for a trial without a start: the time of its first point by step (ties: the first logged). */
function firstByStepTime(p: { steps: Float64Array; timestamps: Float64Array }): number {
  let first = 0;
  for (let i = 1; i < p.steps.length; i++) if (p.steps[i] < p.steps[first]) first = i;
  return p.timestamps[first] ?? 0;
}
