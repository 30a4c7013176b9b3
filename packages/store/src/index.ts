// @tributary/store — the Store stage's runtime core (pure). Local adapters: ./local; AWS SDK adapters: ./aws; CDK: ./infra.
export * from './core/index.js';
