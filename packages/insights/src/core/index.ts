// The Insights stage's pure core: named queries, lake views, the result shape and its errors. No I/O.
export * from './query-error.js';
export * from './query-result.js';
export * from './bytes-scanned.js';
export * from './planned-reads.js';
export * from './lake-queries.js';
export * from './lake-views.js';
export * from './named-queries.js';
export * from './message-trace.js';
export * from './dashboard-definition.js';
export * from './series-queries.js';
export * from './widget-data.js';
export * from './device-directory.js';
export * from './device-events.js';
export * from './device-list.js';
