export { type DashboardServer, type DashboardServerOptions, startDashboardServer } from './app.js';
export { createDemo } from './demo.js';
export {
  createEventStream,
  type EventSink,
  type EventStream,
  type EventStreamOptions,
} from './event-stream.js';
