export {
  type AccessOptions,
  isLoopbackHost,
} from './access.js';
export {
  type DashboardServer,
  type DashboardServerOptions,
  startDashboardServer,
} from './app.js';
export { createDemo } from './demo.js';
export {
  type ClientView,
  createEventStream,
  type EventSink,
  type EventStream,
  type EventStreamOptions,
} from './event-stream.js';
export { engineIngest } from './ingest.js';
export {
  type BodyLimits,
  createIngestHandler,
  type Ingest,
  type IngestErrorBody,
  type IngestHandler,
  type IngestHandlerOptions,
  IngestInputError,
  type PostedEvent,
} from './ingest-handler.js';
export { mlflowIngest } from './mlflow-ingest.js';
export { identityFromHeader, type PresenceOptions, PresenceRoom, type ViewerIdentity } from './presence.js';
export { createPresenceHandler, type PresenceHandler } from './presence-handler.js';
export {
  createSeriesWindowHandler,
  type SeriesWindowHandler,
  type SeriesWindowHandlerOptions,
} from './series-window.js';
export { createWindowCache, type WindowCache, type WindowCacheOptions } from './window-cache.js';
