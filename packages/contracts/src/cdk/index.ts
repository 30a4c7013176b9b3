// @tributary/contracts/cdk — CDK helpers for the contracts; imported only from a stage's infra/.
export * from './stage-stack.js';
export * from './tributary-app.js';
export * from './secure-defaults.js';
export * from './iot-policy-checks.js';
