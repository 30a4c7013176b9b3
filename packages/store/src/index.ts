// @tributary/store — the Store stage's runtime core (pure). Local adapters: ./local; CDK: ./infra.
export * from './core/index.js';
