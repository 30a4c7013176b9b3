// Simulated fleets, pure: seeded signals with labelled injected anomalies, the fleet's plan and schedule,
// telemetry payloads and NAB-style labels. The fleet simulator (local/) does the publishing.
export * from './signal-spec.js';
export * from './signal.js';
export * from './seeded-random.js';
export * from './default-metrics.js';
export * from './fleet-plan.js';
export * from './device-readings.js';
export * from './telemetry-payload.js';
export * from './anomaly-labels.js';
export * from './simulation-errors.js';
export * from './device-settings.js';
export * from './connect-pacing.js';
