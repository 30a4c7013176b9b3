// The Device Shadow service's pure core: parse, merge, delta, limits and the documents AWS publishes.
export * from './json-tree.js';
export * from './shadow-limits.js';
export * from './shadow-rejection.js';
export * from './shadow-address.js';
export * from './shadow-record.js';
export * from './parse-update-request.js';
export * from './merge-section.js';
export * from './shadow-delta.js';
export * from './apply-update.js';
export * from './read-shadow.js';
export * from './shadow-messages.js';
