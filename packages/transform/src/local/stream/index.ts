// The durable local telemetry stream (the local Kinesis) and the stream port the worker consumes.
export * from './durable-telemetry-stream.js';
export * from './stream-errors.js';
export * from './stream-types.js';
export * from './telemetry-stream-port.js';
export { partitionKeyOf, shardIndexOf } from './shard-of.js';
