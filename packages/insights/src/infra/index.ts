// @tributary/insights/infra — the Insights stage's CDK stacks. The only place aws-cdk-lib is imported.
export * from './analytics-stack.js';
export * from './dashboard-stack.js';
export * from './define-insights-stage.js';
