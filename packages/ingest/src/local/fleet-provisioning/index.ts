// Fleet provisioning by claim on the local IoT Core: the device provisioning MQTT API, the provisioning
// template store and its control-plane operations (provision-wo-cert.html#claim-based).
export * from './provisioning-topics.js';
export * from './provisioning-service.js';
export * from './provisioning-rejections.js';
export * from './ownership-tokens.js';
export * from './template-store.js';
export * from './template-errors.js';
export { InvalidCsrError } from './certificate-signing-request.js';
export * from './start-fleet-provisioning.js';
