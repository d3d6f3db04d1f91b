export { type DashboardServer, type DashboardServerOptions, startDashboardServer } from './app.js';
export { createDemo } from './demo.js';
export {
  type ClientView,
  createEventStream,
  type EventSink,
  type EventStream,
  type EventStreamOptions,
} from './event-stream.js';
export {
  createSeriesWindowHandler,
  type SeriesWindowHandler,
  type SeriesWindowHandlerOptions,
} from './series-window.js';
export { createWindowCache, type WindowCache, type WindowCacheOptions } from './window-cache.js';
