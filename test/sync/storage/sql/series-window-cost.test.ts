// A window request reads summaries, not points: an aligned overview reads no raw point at all and a
// few buckets per column (the chart's overview, at any width), and
// an unaligned zoom reads raw points only in the 16-step buckets at its column edges. Sized by
// WINDOW_COST_TRIALS x WINDOW_COST_POINTS (1,000 x 100,000 for the full check; smaller by default).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overviewRange } from '../../../../src/client/lod/overview-query.js';
import { columnOf, m4Columns, type SeriesWindowPart } from '../../../../src/protocol/index.js';
import type { Storage } from '../../../../src/sync/index.js';
import { openPglite } from '../../../../src/sync/storage/pglite.js';
import { planStepColumns, TIME_WINDOW_RAW_BYTES } from '../../../../src/sync/storage/sql/series-window.js';
import {
  createSqlStorage,
  type Queryable,
  type SqlStorageOptions,
} from '../../../../src/sync/storage/sql/storage.js';
import { BUCKETS_PER_ROW } from '../../../../src/sync/storage/sql/summaries.js';
import { storedBuckets } from '../../../../src/sync/storage/sql/summary-row-codec.js';
import { points, study, trial } from '../conformance.js';

const TRIALS = Number(process.env.WINDOW_COST_TRIALS ?? 100);
const POINTS = Number(process.env.WINDOW_COST_POINTS ?? 20_000);

/** Raw points read from the chunks since the last reset (each point has 8 bytes of step). */
let rawPointsRead = 0;
/** Summary buckets read since the last reset (rows store their non-empty buckets, each with its position). */
let bucketsRead = 0;
/** Statements that read summaries or chunks since the last reset. */
let reads = 0;
/** Trial rows read with their series' header and tail since the last reset. */
let trialRowsRead = 0;
function counting(q: Queryable): Queryable {
  return {
    async query(text, params) {
      const result = await q.query(text, params);
      if (!text.trimStart().startsWith('SELECT')) return result as never;
      if (/FROM (series_summary|unnest)/.test(text)) reads++;
      if (/FROM trial t\s+LEFT JOIN metric_series/.test(text)) trialRowsRead += result.rows.length;
      if (text.includes('metric_chunk'))
        for (const row of result.rows as { steps?: Uint8Array }[])
          rawPointsRead += (row.steps?.byteLength ?? 0) / 8;
      if (text.includes('FROM series_summary'))
        for (const row of result.rows as { buckets?: Uint8Array }[])
          bucketsRead += row.buckets ? storedBuckets(row.buckets) : 0;
      return result as never;
    },
  };
}

/**
 * A store in PGlite whose reads are counted, without caches: they would hold every chunk and
 * summary row just written, and this measures what a read costs the database.
 */
function countingStore(options: SqlStorageOptions = {}): Storage {
  return createSqlStorage(
    'memory',
    async () => {
      const driver = await openPglite();
      return {
        ...driver,
        ...counting(driver),
        transaction: (fn) => driver.transaction((q) => fn(counting(q))),
      };
    },
    { chunkCacheBytes: 0, summaryCacheBytes: 0, ...options },
  );
}

describe(`window cost over ${TRIALS} trials x ${POINTS} points`, () => {
  let store: Storage;
  const s = study();
  const trialIds: string[] = [];
  beforeAll(async () => {
    store = countingStore();
    await store.upsertStudy(s);
    const series = points(POINTS);
    for (let i = 0; i < TRIALS; i++) {
      const t = trial(s.id, i);
      trialIds.push(t.id);
      await store.upsertTrial(t);
      await store.appendPoints(t.id, 'loss', series);
    }
  }, 1_800_000);
  afterAll(() => store?.close());

  it('reads no raw point for an overview aligned to the 16-step grid', async () => {
    // 64 points per column: far fewer are read raw, by design.
    const columns = Math.min(1000, Math.floor(POINTS / 64));
    const width = Math.ceil(POINTS / columns / 16) * 16;
    rawPointsRead = 0;
    const window = await store.getSeriesWindow({
      studyId: s.id,
      key: 'loss',
      x: 'step',
      from: 0,
      to: width * columns - 1,
      columns,
    });
    expect(window.series).toHaveLength(TRIALS);
    expect(window.series.every((part) => part.steps.length > 0)).toBe(true);
    expect(rawPointsRead).toBe(0);
  });

  it("reads a few buckets per column for the chart's overview, whatever the plot's width", async () => {
    // At least 64 points per column (far fewer are read raw, by design), at widths that need 1, 2 and 3 buckets.
    for (const pixels of [Math.ceil(POINTS / 64), Math.floor(POINTS / 100), Math.floor(POINTS / 40)]) {
      const range = overviewRange(0, POINTS - 1, pixels);
      rawPointsRead = 0;
      bucketsRead = 0;
      const window = await store.getSeriesWindow({ studyId: s.id, key: 'loss', x: 'step', ...range });
      expect(window.series.every((part) => part.steps.length > 0)).toBe(true);
      expect(rawPointsRead).toBe(0);
      // At most 3 buckets a column, plus whole rows at the range's ends.
      expect(bucketsRead).toBeLessThanOrEqual(TRIALS * (3 * range.columns + 2 * BUCKETS_PER_ROW));
    }
  });

  it('reads only the trials a window names, not the whole study', async () => {
    const named = [trialIds[3], trialIds[1]];
    trialRowsRead = 0;
    bucketsRead = 0;
    const window = await store.getSeriesWindow({
      studyId: s.id,
      key: 'loss',
      x: 'step',
      trialIds: named,
      ...overviewRange(0, POINTS - 1, 500),
    });
    expect(window.series.map((part) => part.trialId)).toEqual(named);
    expect(trialRowsRead).toBe(named.length);
    const whole = bucketsRead;
    trialRowsRead = 0;
    bucketsRead = 0;
    await store.getSeriesWindow({
      studyId: s.id,
      key: 'loss',
      x: 'step',
      ...overviewRange(0, POINTS - 1, 500),
    });
    expect(trialRowsRead).toBe(TRIALS);
    expect(whole * TRIALS).toBe(bucketsRead * named.length);
  });

  it('reads a window of many series in several statements, exactly', async () => {
    // Every trial holds the same series: each part must be M4 over it, whichever statement read it.
    const series = points(POINTS);
    const windows = [
      { ...overviewRange(0, POINTS - 1, POINTS / 16) }, // summary rows, batched
      { from: 0, to: POINTS / 2 - 1, columns: Math.ceil(POINTS / 2 / 25) }, // raw points, batched
      { from: POINTS * 0.25 + 3.5, to: POINTS * 0.75 - 2.2, columns: Math.floor(POINTS / 50) }, // edges
    ];
    for (const w of windows) {
      reads = 0;
      const window = await store.getSeriesWindow({ studyId: s.id, key: 'loss', x: 'step', ...w });
      const expected = m4Columns(series, 'step', window.from, window.to, w.columns);
      expect(reads).toBeGreaterThan(2);
      for (const part of window.series) {
        expect(part.steps).toEqual(expected.steps);
        expect(part.values).toEqual(expected.values);
        expect(part.timestamps).toEqual(expected.timestamps);
      }
    }
  });

  it("reads no raw point for the chart's zooms of 16 steps a pixel or more, and each is exact", async () => {
    const series = points(POINTS);
    for (const [share, pixels] of [
      [0.5, POINTS / 64],
      [0.3, POINTS / 100],
      [0.1, POINTS / 160],
    ]) {
      const from = POINTS * 0.21 + 0.5;
      const range = overviewRange(from, from + POINTS * share, pixels);
      rawPointsRead = 0;
      const window = await store.getSeriesWindow({ studyId: s.id, key: 'loss', x: 'step', ...range });
      expect(rawPointsRead).toBe(0);
      const expected = m4Columns(series, 'step', window.from, window.to, range.columns);
      for (const part of window.series) expect(part.steps).toEqual(expected.steps);
    }
  });

  it('reads the raw points of a narrow zoom through a row or two of buckets, not the finest ones', async () => {
    const [from, to, columns] = [POINTS * 0.4 + 0.5, POINTS * 0.4 + 4_000.5, 900];
    rawPointsRead = 0;
    bucketsRead = 0;
    const window = await store.getSeriesWindow({ studyId: s.id, key: 'loss', x: 'step', from, to, columns });
    const expected = m4Columns(points(POINTS), 'step', from, to, columns);
    for (const part of window.series) expect(part.values).toEqual(expected.values);
    // The range's points and at most two of the locating buckets (an eighth of the range each) more.
    expect(rawPointsRead).toBeGreaterThanOrEqual(TRIALS * 4_000);
    expect(rawPointsRead).toBeLessThanOrEqual(TRIALS * 4_001 * 1.25);
    expect(bucketsRead).toBeLessThanOrEqual(TRIALS * 2 * BUCKETS_PER_ROW);
  });

  it('reads raw points of a zoomed window only in the buckets at its column edges', async () => {
    const [from, to, columns] = [POINTS * 0.25 + 3.5, POINTS * 0.75 - 2.2, 100];
    const edges = planStepColumns(from, to, columns).edges.length;
    rawPointsRead = 0;
    await store.getSeriesWindow({ studyId: s.id, key: 'loss', x: 'step', from, to, columns });
    expect(rawPointsRead).toBeGreaterThan(0);
    expect(rawPointsRead).toBeLessThanOrEqual(TRIALS * edges * 16);
    expect(rawPointsRead).toBeLessThan((TRIALS * (to - from)) / 5);
  });

  it('reads a time overview from a row of coarse buckets and buckets a column wide, past its raw budget', async () => {
    const series = points(POINTS);
    const columns = Math.min(1000, Math.floor(POINTS / 64));
    rawPointsRead = 0;
    bucketsRead = 0;
    const window = await store.getSeriesWindow({ studyId: s.id, key: 'loss', x: 'time', columns });
    expect([window.from, window.to]).toEqual([series.timestamps[0], series.timestamps[POINTS - 1]]);
    // Whole series read raw, smallest first, within the budget; the others from their summaries.
    const rawSeries = Math.min(TRIALS, Math.floor(TIME_WINDOW_RAW_BYTES / 24 / POINTS));
    expect(rawPointsRead).toBeLessThanOrEqual(rawSeries * POINTS);
    expect(window.series.filter((part) => part.exact)).toHaveLength(rawSeries);
    // Per summarised series a row or two of coarse buckets, then at most two buckets a column and a row at either end.
    expect(bucketsRead).toBeLessThanOrEqual(
      (TRIALS - rawSeries) * (2 * BUCKETS_PER_ROW + 2 * columns + 2 * BUCKETS_PER_ROW),
    );
    const exact = m4Columns(series, 'time', window.from, window.to, columns);
    for (const part of window.series) {
      if (part.exact) expect(part.values).toEqual(exact.values);
      else expectNearlyExact(part, exact, series, window.from, window.to, columns);
    }
  });

  it('reads a narrow time zoom of summarised series raw, exactly, through a row of coarse buckets', async () => {
    const series = points(POINTS);
    const [from, to, columns] = [
      series.timestamps[0] + POINTS * 0.4 + 0.5,
      series.timestamps[0] + POINTS * 0.4 + 2_000.5,
      900,
    ];
    rawPointsRead = 0;
    const window = await store.getSeriesWindow({ studyId: s.id, key: 'loss', x: 'time', from, to, columns });
    const exact = m4Columns(series, 'time', from, to, columns);
    for (const part of window.series) {
      expect(part.exact).toBe(true);
      expect(part.values).toEqual(exact.values);
      expect(part.timestamps).toEqual(exact.timestamps);
    }
    // Whole series within the raw budget, and for the others the points of the coarse buckets the range meets.
    const rawSeries = Math.min(TRIALS, Math.floor(TIME_WINDOW_RAW_BYTES / 24 / POINTS));
    expect(rawPointsRead).toBeLessThanOrEqual(rawSeries * POINTS + (TRIALS - rawSeries) * (2_001 + 2 * 1024));
  });
});

describe('window cost by time of trials that ran one after another', () => {
  let store: Storage;
  const s = study();
  const TRIALS = 20;
  const POINTS = 20_000;
  // Trial i logs steps 0… at times i·POINTS…: each fills a twentieth of the wall-clock axis.
  const seriesOf = (i: number) => {
    const p = points(POINTS);
    for (let j = 0; j < POINTS; j++) p.timestamps[j] += i * POINTS;
    return p;
  };
  beforeAll(async () => {
    store = countingStore({ timeWindowRawBytes: 0 });
    await store.upsertStudy(s);
    for (let i = 0; i < TRIALS; i++) {
      const t = trial(s.id, i);
      await store.upsertTrial(t);
      await store.appendPoints(t.id, 'loss', seriesOf(i));
    }
  }, 600_000);
  afterAll(() => store?.close());

  it('reads buckets for the columns each trial reaches, not for the whole width', async () => {
    const columns = 1000;
    bucketsRead = 0;
    const window = await store.getSeriesWindow({ studyId: s.id, key: 'loss', x: 'time', columns });
    // Each trial reaches about 50 columns: a row or two of coarse buckets, two buckets a column, a row at either end.
    const reached = columns / TRIALS + 1;
    expect(bucketsRead).toBeLessThanOrEqual(
      TRIALS * (2 * BUCKETS_PER_ROW + 2 * reached + 2 * BUCKETS_PER_ROW),
    );
    window.series.forEach((part, i) => {
      const series = seriesOf(i);
      expect(part.exact).toBe(false);
      expectNearlyExact(
        part,
        m4Columns(series, 'time', window.from, window.to, columns),
        series,
        window.from,
        window.to,
        columns,
      );
    });
  });
  it('answers a zoom of a few steps inside one coarse bucket with its points, not an empty exact part', async () => {
    // Steps 5001…5003 of trial 5: three points inside a bucket of thousands of steps.
    const t5 = seriesOf(5).timestamps[0];
    const [from, to] = [t5 + 5000.5, t5 + 5003.5];
    for (const columns of [1, 2, 5, 100]) {
      const window = await store.getSeriesWindow({
        studyId: s.id,
        key: 'loss',
        x: 'time',
        from,
        to,
        columns,
      });
      const part = window.series[5];
      const exact = m4Columns(seriesOf(5), 'time', from, to, columns);
      expect(part.steps, `${columns} columns`).toEqual(exact.steps);
      expect(part.values, `${columns} columns`).toEqual(exact.values);
      // The other trials ran before and after: nothing of theirs in range, and said so.
      for (const other of window.series.filter((_, i) => i !== 5)) {
        expect(other.steps).toEqual([]);
      }
    }
  });
});

/**
 * A window part from summaries, against the exact M4 of `series` (steps 0, 1, …, so a step is its
 * index): every point a real one, in x order within the range, at most five per column, and each
 * exact column's extremes met or passed by the part within one column of it.
 */
function expectNearlyExact(
  part: SeriesWindowPart,
  exact: ReturnType<typeof m4Columns>,
  series: ReturnType<typeof points>,
  from: number,
  to: number,
  columns: number,
): void {
  expect(part.raw).toBe(false);
  expect(part.steps.length).toBeLessThanOrEqual(5 * columns);
  const high = new Float64Array(columns).fill(Number.NEGATIVE_INFINITY);
  const low = new Float64Array(columns).fill(Number.POSITIVE_INFINITY);
  part.steps.forEach((step, i) => {
    expect(
      Object.is(part.values[i], series.values[step]) && part.timestamps[i] === series.timestamps[step],
    ).toBe(true);
    if (i > 0) expect(part.timestamps[i]).toBeGreaterThanOrEqual(part.timestamps[i - 1]);
    const c = columnOf(part.timestamps[i], from, to, columns);
    expect(c).toBeGreaterThanOrEqual(0);
    // Values not finite are gap markers, not extremes.
    if (!Number.isFinite(part.values[i])) return;
    high[c] = Math.max(high[c], part.values[i]);
    low[c] = Math.min(low[c], part.values[i]);
  });
  const near = (a: Float64Array, c: number, pick: (...v: number[]) => number) =>
    pick(a[Math.max(0, c - 1)], a[c], a[Math.min(columns - 1, c + 1)]);
  exact.steps.forEach((step, i) => {
    const v = exact.values[i];
    if (!Number.isFinite(v)) return;
    const c = columnOf(exact.timestamps[i], from, to, columns);
    expect(near(high, c, Math.max), `step ${step}`).toBeGreaterThanOrEqual(v);
    expect(near(low, c, Math.min), `step ${step}`).toBeLessThanOrEqual(v);
  });
}
