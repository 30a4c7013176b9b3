// @tributary/transform/local — the Transform stage on this machine: the durable stream, rule, worker.
export * from './stream/index.js';
export * from './telemetry-rule.js';
export * from './thing-context-cache.js';
export * from './context-invalidation.js';
export * from './shadow-reported-state.js';
export * from './transform-worker.js';
export * from './nab-runner.js';
export * from './detector-state-file.js';
