// The Store stage's pure core: lake rows, their keys, the plan of a flush and of a compaction. No I/O.
export * from './lake-writer-error.js';
export * from './lake-rows.js';
export * from './partition-plan.js';
export * from './key-fingerprints.js';
export * from './written-keys-by-partition.js';
export * from './lake-catalog.js';
export * from './catalog-diff.js';
export * from './telemetry-rollups.js';
export * from './partition-retention.js';
export * from './compaction-plan.js';
export * from './lake-compaction-error.js';
export * from './hourly-rollup-statements.js';
export * from './catalog-versions.js';
