// The local MQTT endpoint (see ./broker/): AWS IoT Core's broker behaviour on aedes.
export { startBroker, type LocalBroker } from './broker/start-broker.js';
export { ConnectionGate } from './broker/connection-gate.js';
export { awsBrokerLimits, InvalidBrokerOptionsError, mqttSpecBrokerLimits } from './broker/options.js';
export type { BrokerLimits, BrokerOptions, BrokerProfile } from './broker/options.js';
export type { AuthorizationContext, AuthorizationDecision, BrokerAuthorizer } from './broker/authorizer.js';
export { BrokerRefusalError, type RefusalCode } from './broker/refusals.js';
