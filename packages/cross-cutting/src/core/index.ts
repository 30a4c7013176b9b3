// The Cross-cutting stage's pure core: the AWS cost model.
export * from './aws-prices.js';
export * from './cost-projection.js';
export * from './template-audit.js';
export * from './metering.js';
export * from './cost-meter.js';
export * from './certificate-audit.js';
export * from './iot-configuration-audit.js';
