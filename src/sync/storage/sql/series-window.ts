/**
 * Window queries: the exact M4 points of many trials' series in a few statements per request,
 * not one per trial (each cut in several when it would read many MB, so other work runs in
 * between: see `raw-points.ts`). This module checks the request and reads the series' headers
 * and tails; `step-window.ts` answers windows by step, from whole buckets, and `time-window.ts`
 * windows by wall-clock or relative time.
 *
 * A series' newest points, its tail (see `series.ts`), are in no bucket yet: they come with the
 * series' header, in the same statement, and are offered one by one.
 *
 * Statements run outside a transaction, so writes never wait for a window. Points are only
 * appended and raw reads go by the index ranges of the buckets read, so a window is consistent
 * with the buckets as they were read even while appends go on. (A tail flushed meanwhile may reach
 * the window twice, from the buckets and from the tail as read: the same points, kept once.)
 */
import {
  parseSeriesWindowQuery,
  type SeriesWindow,
  type SeriesWindowQuery,
  SeriesWindowQueryError,
} from '../../../protocol/index.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import type { Queryable } from './driver.js';
import { NO_POINTS, type SeriesTail, TAIL_COLUMNS, tailPoints } from './series-tail.js';
import { stepWindow } from './step-window.js';
import { SERIES_LEVEL, withTail } from './summaries.js';
import { decodeRow } from './summary-row-codec.js';
import { TIME_WINDOW_RAW_BYTES, timeWindow } from './time-window.js';
import type { WindowCaches, WindowSeries } from './window-parts.js';

export { planStepColumns } from './step-window.js';
export { TIME_WINDOW_RAW_BYTES } from './time-window.js';
export type { WindowCaches } from './window-parts.js';

/** Answers a window request (checked here: a bad one throws a {@link ValidationError} naming the field). */
export async function readSeriesWindow(
  db: Queryable,
  input: SeriesWindowQuery,
  signal?: AbortSignal,
  caches: WindowCaches = {},
  timeRawBytes = TIME_WINDOW_RAW_BYTES,
): Promise<SeriesWindow> {
  const query = checked(input);
  const series = await requestedSeries(db, query);
  signal?.throwIfAborted();
  const window =
    query.x === 'step'
      ? await stepWindow(db, query, series, signal, caches)
      : await timeWindow(db, query, series, caches, timeRawBytes, signal);
  return { key: query.key, x: query.x, columns: query.columns, ...window };
}

function checked(input: SeriesWindowQuery): SeriesWindowQuery {
  try {
    return parseSeriesWindowQuery(input);
  } catch (err) {
    if (err instanceof SeriesWindowQueryError) throw new ValidationError(err.message, err.field);
    throw err;
  }
}

/** The requested trials in request order, with their start and header; checks they are the study's. */
async function requestedSeries(db: Queryable, query: SeriesWindowQuery): Promise<WindowSeries[]> {
  // Only the trials asked for: a window of a few trials of a large study reads a few rows.
  const named = query.trialIds ? 'AND t.id = ANY($4::text[])' : '';
  // Header and tail in one statement: one consistent view of each series.
  const { rows } = await db.query<
    Partial<SeriesTail> & { id: string; started_at: number | null; buckets: Uint8Array | null }
  >(
    `SELECT t.id, (t.data->>'startedAt')::float8 AS started_at, s.buckets, ${TAIL_COLUMNS} FROM trial t
     LEFT JOIN metric_series m ON m.trial_id = t.id AND m.key = $2
     LEFT JOIN series_summary s ON s.trial_id = t.id AND s.key = $2 AND s.level = $3 AND s.block = 0
     WHERE t.study_id = $1 ${named} ORDER BY t.number, t.id`,
    query.trialIds
      ? [query.studyId, query.key, SERIES_LEVEL, query.trialIds]
      : [query.studyId, query.key, SERIES_LEVEL],
  );
  if (
    rows.length === 0 &&
    (await db.query('SELECT 1 FROM study WHERE id = $1', [query.studyId])).rows.length === 0
  )
    throw new NotFoundError('study', query.studyId);
  const byId = new Map(
    rows.map((r): [string, WindowSeries] => {
      const stored = r.buckets ? decodeRow(r.buckets, 1) : undefined;
      const summarized = r.summarized ?? 0;
      const tail = r.points === undefined || r.points === null ? NO_POINTS : tailPoints(r as SeriesTail);
      return [
        r.id,
        {
          trialId: r.id,
          startedAt: r.started_at ?? undefined,
          header: withTail(stored, tail, summarized),
          stored,
          summarized,
          tail,
        },
      ];
    }),
  );
  const ids = query.trialIds ?? rows.map((r) => r.id);
  const series = [...new Set(ids)].map((id) => {
    const s = byId.get(id);
    if (!s) {
      const field = `trialIds.${ids.indexOf(id)}`;
      throw new ValidationError(
        `invalid series window at ${field}: trial ${JSON.stringify(id)} is not in study ${JSON.stringify(query.studyId)}`,
        field,
      );
    }
    return s;
  });
  if (series.length > 0 && series.every((s) => !s.header))
    throw new ValidationError(
      `invalid series window at key: no requested trial has a series ${JSON.stringify(query.key)}`,
      'key',
    );
  return series;
}
