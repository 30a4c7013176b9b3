// @tributary/cross-cutting — cost, security and logging over every stage. Runtime core: ./core.
export * from './core/index.js';
