export {
  createEventStream,
  type EventSink,
  type EventStream,
  type EventStreamOptions,
} from './event-stream.js';
