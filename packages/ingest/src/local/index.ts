// @tributary/ingest/local — the Ingest stage on this machine: IoT Core composed (startLocalIotCore) and its
// parts — broker, mTLS listener, PKI, policies, registry and control plane, shadows, rules engine, simulator.
export * from './broker.js';
export * from './rules-engine.js';
export * from './registry.js';
export * from './fleet-simulator.js';
export * from './fleet-driver.js';
export * from './control-plane/index.js';
export * from './iot-core.js';
export * from './fleet-provisioning/index.js';
export * from './policy-authorizer.js';
export * from './policy-store.js';
export * from './provision-thing.js';
export * from './tls-listener.js';
export * from './shadow-service.js';
export * from './shadow-store.js';
export * from './shadow-topics.js';
export * from './shadow-http.js';
export * from './pki/certificate-authority.js';
export * from './pki/certificate-registry.js';
export * from './pki/ca-certificate-registry.js';
export * from './pki/certificate-errors.js';
export * from './pki/device-principal.js';
