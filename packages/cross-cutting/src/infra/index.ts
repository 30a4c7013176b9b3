// @tributary/cross-cutting/infra — the Cross-cutting stage's CDK stacks. The only place aws-cdk-lib is imported.
export * from './cost-monitoring-stack.js';
export * from './security-stack.js';
export * from './logging-stack.js';
export * from './define-cross-cutting-stage.js';
