// @tributary/transform/infra — the Transform stage's CDK stacks. The only place aws-cdk-lib is imported.
export * from './streaming-stack.js';
export * from './anomaly-detection-stack.js';
export * from './enrichment-stack.js';
export * from './define-transform-stage.js';
export { bundledHandlerCode } from './bundled-handler-code.js';
