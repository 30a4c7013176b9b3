// @tributary/ingest — runtime entry point: the stage's pure core.
export * from './core/index.js';
