export * from './codec.js';
export * from './events.js';
export { trialEventJsonSchema } from './json-schema.js';
export * from './optuna-tags.js';
export type { EventProducer } from './producer.js';
export * from './run-mapping.js';
export { seriesId } from './series-id.js';
