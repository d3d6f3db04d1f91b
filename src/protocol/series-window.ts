/**
 * Series windows: "these trials, this metric, this x range, this many pixel columns" and its
 * answer, the exact M4 points of each column (see `m4-columns.ts` for the definition). Also the
 * per-series summary a table or a new tab needs instead of raw points.
 */
import * as z from 'zod/mini';
import { metricValueSchema } from './events.js';
import { SERIES_WINDOW_LIMITS, SeriesWindowX } from './series-window-limits.js';

export { SERIES_WINDOW_LIMITS, SeriesWindowX };

const finite = z.number({ error: 'expected a finite number' });
/**
 * A range bound: beyond 2^53 numbers skip integers, so no step could be told from the next, and a
 * column plan over such a range would never advance.
 */
const BOUND_MESSAGE = `expected a number between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`;
const bound = finite.check(
  z.gte(-Number.MAX_SAFE_INTEGER, BOUND_MESSAGE),
  z.lte(Number.MAX_SAFE_INTEGER, BOUND_MESSAGE),
);

/** A window request, checked: see {@link parseSeriesWindowQuery} for the errors. */
export const seriesWindowQuerySchema = z
  .object({
    studyId: z.string().check(z.minLength(1), z.maxLength(512)),
    key: z.string().check(z.minLength(1), z.maxLength(250)),
    /** Omitted: every trial of the study. */
    trialIds: z.optional(
      z
        .array(z.string().check(z.minLength(1), z.maxLength(512)))
        .check(
          z.maxLength(
            SERIES_WINDOW_LIMITS.maxTrials,
            `at most ${SERIES_WINDOW_LIMITS.maxTrials} trials per request`,
          ),
        ),
    ),
    x: z.enum(Object.values(SeriesWindowX) as [SeriesWindowX, ...SeriesWindowX[]], {
      error: 'expected "step", "time" or "relative"',
    }),
    /** Inclusive lower bound; omitted, the smallest x of the requested series. */
    from: z.optional(bound),
    /** Inclusive upper bound; omitted, the largest x of the requested series. */
    to: z.optional(bound),
    /** Pixel columns: the answer has at most five points per column. */
    columns: z
      .number({ error: 'expected an integer' })
      .check(
        z.int('expected an integer'),
        z.gte(1, 'expected at least 1 column'),
        z.lte(SERIES_WINDOW_LIMITS.maxColumns, `expected at most ${SERIES_WINDOW_LIMITS.maxColumns} columns`),
      ),
  })
  .check(
    z.refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
      message: '`to` is below `from`: the range is reversed',
      path: ['to'],
    }),
  );
export type SeriesWindowQuery = z.infer<typeof seriesWindowQuerySchema>;

/**
 * A window request that cannot be answered as asked; `field` names the offending field, and
 * `unknown` says it names something that does not exist (a study, trial or key: HTTP 404) rather
 * than being malformed (HTTP 400).
 */
export class SeriesWindowQueryError extends Error {
  override name = 'SeriesWindowQueryError';
  constructor(
    message: string,
    readonly field: string,
    readonly unknown = false,
  ) {
    super(message);
  }
}

/** Checks a window request; throws a {@link SeriesWindowQueryError} naming the first bad field. */
export function parseSeriesWindowQuery(input: unknown): SeriesWindowQuery {
  const result = seriesWindowQuerySchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.join('.') || 'query';
  throw new SeriesWindowQueryError(`invalid series window at ${field}: ${issue.message}`, field);
}

/** One trial's share of a window: its M4 points in x order, columnar. */
export const seriesWindowPartSchema = z.object({
  trialId: z.string(),
  /**
   * Every column is the exact reduction of the raw points. False for sampled sources, and for a
   * window by time of a series read from its summaries: every point real, each column's extremes
   * within a column of it.
   */
  exact: z.boolean(),
  /** These are all the raw points in the range: nothing was reduced away. */
  raw: z.boolean(),
  steps: z.array(z.number()),
  values: z.array(metricValueSchema),
  timestamps: z.array(z.number()),
});
export type SeriesWindowPart = z.output<typeof seriesWindowPartSchema>;

/** The answer to a {@link SeriesWindowQuery}, with the range it resolved to. */
export const seriesWindowSchema = z.object({
  key: z.string(),
  x: z.enum(Object.values(SeriesWindowX) as [SeriesWindowX, ...SeriesWindowX[]]),
  from: z.number(),
  to: z.number(),
  columns: z.int(),
  series: z.array(seriesWindowPartSchema),
});
export type SeriesWindow = z.output<typeof seriesWindowSchema>;

export { type SeriesPoint, type SeriesSummary, seriesPointSchema, seriesSummarySchema } from './events.js';
