export type { EventProducer } from '../protocol/index.js';
export { type Connection, type ConnectOptions, connect } from './connect.js';
export { mergeSummary, type PointColumns, summarizePoints } from './lod/summary.js';
export { DEFAULT_WINDOW_BUDGET_BYTES } from './lod/window-cache.js';
export {
  type HttpWindowFetcherOptions,
  httpWindowFetcher,
  producerWindowFetcher,
  type SeriesWindowFetcher,
  WindowsUnavailableError,
  windowUrlBeside,
} from './lod/window-fetcher.js';
export { PresenceState, type PresenceStatus, type SelfAnnouncement } from './presence.js';
export { MetricSeries, seriesId } from './series.js';
export { Backoff, type BackoffOptions } from './sources/backoff.js';
export { connectEngine, type EngineSourceOptions } from './sources/engine.js';
export { EventFeed, type SourceHandle } from './sources/feed.js';
export {
  connectMlflow,
  type MlflowSourceHandle,
  type MlflowSourceOptions,
} from './sources/mlflow/connect-mlflow.js';
export {
  type ExperimentRef,
  MlflowPoller,
  type MlflowPollerOptions,
  type PollFailure,
} from './sources/mlflow/poller.js';
export type { StudyGrouping } from './sources/mlflow/studies.js';
export { beatPresence, type PresenceBeatOptions } from './sources/presence-beat.js';
export {
  connectSse,
  type EventSourceConstructor,
  type EventSourceLike,
  type SseSourceOptions,
} from './sources/sse.js';
export {
  connectWebSocket,
  type ResumeMessage,
  type WebSocketConstructor,
  type WebSocketLike,
  type WebSocketSourceOptions,
} from './sources/websocket.js';
export {
  type ConnectionStatus,
  type PointKeysListener,
  type SeriesChange,
  type StoreChange,
  type StoreListener,
  TrialStore,
  type TrialStoreOptions,
  type TrialSyncStatus,
} from './store.js';
export {
  canApplyEvents,
  type EventApplier,
  type TeamEdit,
  TeamWriteError,
  type TeamWriteTarget,
  writeTeamEdits,
} from './team-writer.js';
