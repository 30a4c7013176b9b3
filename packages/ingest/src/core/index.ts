// The Ingest stage's pure core: topic matching and topic rules.
export * from './topic-filter.js';
export * from './topic-rule.js';
