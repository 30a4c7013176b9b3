// The Ingest stage's pure core: topic matching, topic rules (IoT SQL), IoT policies, shadows, lifecycle and
// registry events.
export * from './topic-filter.js';
export * from './topic-rule.js';
export { parseRuleSql, iotSqlVersion } from './iot-sql/parser.js';
export * from './iot-policy/index.js';
export * from './device-policy.js';
export * from './shadow/index.js';
export * from './lifecycle-events.js';
export * from './registry-events.js';
export * from './provisioning-template.js';
export * from './provisioning-template-errors.js';
export {
  checkProvisioningTemplate,
  evaluateProvisioningTemplate,
  type ProvisioningPlan,
  type RegisterThingInput,
} from './provisioning-template-evaluation.js';
export * from './simulation/index.js';
