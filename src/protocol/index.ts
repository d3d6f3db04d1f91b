export * from './codec.js';
export * from './events.js';
export { trialEventJsonSchema } from './json-schema.js';
