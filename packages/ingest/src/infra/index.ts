// @tributary/ingest/infra — the Ingest stage's CDK stacks. The only place aws-cdk-lib is imported.
export * from './iot-core-stack.js';
export * from './device-registry-stack.js';
export * from './define-ingest-stage.js';
