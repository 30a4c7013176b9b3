// @tributary/store/infra — the Store stage's CDK stacks. The only place aws-cdk-lib is imported.
export * from './data-lake-stack.js';
export * from './define-store-stage.js';
