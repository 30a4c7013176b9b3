// @tributary/insights — the Insights stage's runtime core (pure). Local adapters: ./local; CDK: ./infra.
export * from './core/index.js';
