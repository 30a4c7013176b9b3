// @tributary/contracts — everything that crosses a stage boundary. No AWS CDK here: see ./cdk.
export * from './stages.js';
export * from './names.js';
export * from './topics.js';
export * from './telemetry.js';
export * from './enriched-reading.js';
export * from './anomaly-event.js';
export * from './quarantine.js';
export * from './shadow.js';
export * from './shadow-history.js';
export * from './lifecycle-event-record.js';
export * from './lake-columns.js';
export * from './lake.js';
export * from './lake-catalog.js';
export * from './lake-delivery-rules.js';
export * from './ssm.js';
export * from './logger.js';
export * from './iot-policy-audit.js';
