export {
  type AccessOptions,
  isLoopbackHost,
} from './access.js';
export {
  type DashboardServer,
  type DashboardServerOptions,
  type IngestErrorBody,
  IngestInputError,
  type PostedEvent,
  startDashboardServer,
} from './app.js';
export { createDemo } from './demo.js';
export {
  createEventStream,
  type EventSink,
  type EventStream,
  type EventStreamOptions,
} from './event-stream.js';
export { engineIngest } from './ingest.js';
