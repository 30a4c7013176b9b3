// @tributary/ingest/local — the Ingest stage on this machine: broker, rules engine, registry, simulator.
export * from './broker.js';
export * from './rules-engine.js';
export * from './registry.js';
export * from './fleet-simulator.js';
