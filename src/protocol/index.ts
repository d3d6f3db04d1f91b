export * from './codec.js';
export * from './events.js';
export { trialEventJsonSchema } from './json-schema.js';
export {
  type ColumnarSeries,
  columnOf,
  columnStart,
  keepPoint,
  keptPoint,
  M4_KEPT_FIELDS,
  M4Accumulator,
  type M4Points,
  m4Columns,
} from './m4-columns.js';
export * from './optuna-tags.js';
export { ownValue } from './own.js';
export * from './presence.js';
export { type EventProducer, firstSeq, type SnapshotOptions } from './producer.js';
export * from './run-mapping.js';
export { seriesId } from './series-id.js';
export { mergeSeriesSummary, summarizeBatch } from './series-summary.js';
export * from './series-window.js';
export { applyTeamEdit, isTeamEvent, TeamEditError } from './team-edits.js';
export { decodeSeriesWindow, encodeSeriesWindow, SERIES_WINDOW_CONTENT_TYPE } from './window-codec.js';
