// Telemetry as devices send it, and as the telemetry rule hands it to the Transform stage.
import { z } from 'zod';
import { MetricName } from './names.js';

/** Epoch milliseconds. */
export const EpochMillis = z.number().int().nonnegative();

/**
 * One reading from a device. `messageId` makes redeliveries idempotent end to end; without it the
 * platform can only remove duplicates it made itself (replays), not a device's own retries.
 */
export const TelemetryReading = z.object({
  messageId: z.string().min(1).max(128).optional(),
  /** Device time, epoch ms. Kept beside the receive time; never used to partition. */
  ts: EpochMillis.optional(),
  /**
   * A counter the device increments with each reading it sends: a gap shows readings lost on the way (the
   * named query `sequence_gaps`); a counter that restarts at 0 shows nothing.
   */
  seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
  /** Finite numbers only: NaN, Infinity and 1e999 are rejected. */
  metrics: z.record(MetricName, z.number()).refine((m) => Object.keys(m).length > 0, 'metrics is empty'),
});
export type TelemetryReading = z.infer<typeof TelemetryReading>;

/** Several readings in one MQTT message: fewer messages billed, more readings per second. */
export const TelemetryBatch = z.object({
  readings: z.array(TelemetryReading).min(1).max(500),
});
export type TelemetryBatch = z.infer<typeof TelemetryBatch>;

export const TelemetryMessage = z.union([TelemetryBatch, TelemetryReading]);
export type TelemetryMessage = z.infer<typeof TelemetryMessage>;

/**
 * What the telemetry rule puts on the stream for every message on the telemetry topic — the same
 * fields locally and on AWS, where the rule's SQL is
 * `SELECT encode(*, 'base64') AS payload, topic() AS topic, clientid() AS clientId,
 *  timestamp() AS receivedAt, newuuid() AS correlationId FROM 'dt/tributary/+/telemetry'`.
 * The payload stays opaque bytes until Transform validates it, so bad input keeps its original bytes.
 */
export const TelemetryEnvelope = z.object({
  topic: z.string(),
  clientId: z.string(),
  receivedAt: EpochMillis,
  correlationId: z.string().min(1),
  /** The original MQTT payload, base64. */
  payload: z.string(),
});
export type TelemetryEnvelope = z.infer<typeof TelemetryEnvelope>;

/** The SQL of the telemetry rule; shared by the local rules engine and the CDK topic rule. */
export const telemetryRuleSql = (topicFilter: string): string =>
  `SELECT encode(*, 'base64') AS payload, topic() AS topic, clientid() AS clientId, ` +
  `timestamp() AS receivedAt, newuuid() AS correlationId FROM '${topicFilter}'`;
