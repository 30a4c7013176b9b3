// The Transform stage's pure core: validate, enrich, detect. No I/O; adapters live in local/ and lambda/.
export * from './validate-envelope.js';
export * from './device-time.js';
export * from './enrichment/index.js';
export * from './zscore-detector.js';
export * from './alarm.js';
export * from './detector-states.js';
export * from './transform-batch.js';
export * from './detectors/index.js';
