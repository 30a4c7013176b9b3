// Turns one stream record (the telemetry rule's envelope) into readings, or into a quarantine record
// that says what was wrong and keeps the original bytes. Never throws on bad input (faults.md #1-#5).
import {
  TelemetryBatch,
  TelemetryReading,
  type TelemetryMessage,
  thingNameFromTelemetryTopic,
  type QuarantineReason,
  type QuarantineRecord,
  type TelemetryEnvelope,
} from '@tributary/contracts';
import { z } from 'zod';

/** AWS IoT Core's payload limit; anything bigger never came from a faithful broker. */
export const maxPayloadBytes = 128 * 1024;

export type ValidationOutcome =
  | { readonly kind: 'valid'; readonly thingName: string; readonly readings: readonly IdentifiedReading[] }
  | { readonly kind: 'quarantined'; readonly record: QuarantineRecord };

/** A reading with the message id it will be deduplicated on. */
export interface IdentifiedReading extends z.infer<typeof TelemetryReading> {
  readonly messageId: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function validateEnvelope(envelope: TelemetryEnvelope): ValidationOutcome {
  const thingName = thingNameFromTelemetryTopic(envelope.topic);
  const quarantine = (reason: QuarantineReason, detail: string): ValidationOutcome => ({
    kind: 'quarantined',
    record: {
      correlation_id: envelope.correlationId,
      received_at: envelope.receivedAt,
      topic: envelope.topic,
      client_id: envelope.clientId,
      thing_name: thingName ?? null,
      stage: 'transform',
      reason,
      detail,
      payload_base64: envelope.payload,
    },
  });

  if (thingName === undefined) {
    return quarantine(
      'UNKNOWN_TOPIC',
      `Topic "${envelope.topic}" is not a telemetry topic dt/tributary/<thing>/telemetry`,
    );
  }
  const bytes = Buffer.from(envelope.payload, 'base64');
  if (bytes.length > maxPayloadBytes) {
    return quarantine(
      'PAYLOAD_TOO_LARGE',
      `Payload is ${bytes.length} bytes; the limit is ${maxPayloadBytes}`,
    );
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return quarantine('INVALID_UTF8', 'Payload is not valid UTF-8; telemetry must be UTF-8 JSON');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return quarantine('INVALID_JSON', `Payload is not valid JSON: ${(error as Error).message}`);
  }
  const nonFinitePath = findNonFiniteNumber(json);
  if (nonFinitePath !== undefined) {
    return quarantine(
      'NON_FINITE_NUMBER',
      `${nonFinitePath} is not a finite number (NaN, Infinity or out of range)`,
    );
  }
  // Pick the schema by shape so a mistake is explained field by field, not as "no union member matched".
  const schema =
    json !== null && typeof json === 'object' && 'readings' in json ? TelemetryBatch : TelemetryReading;
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    return quarantine('SCHEMA_MISMATCH', z.prettifyError(parsed.error).replaceAll('\n', '; '));
  }
  return { kind: 'valid', thingName, readings: identify(parsed.data, envelope.correlationId) };
}

/** Gives every reading an id: the device's, or one derived from the envelope so replays dedupe. */
function identify(message: TelemetryMessage, correlationId: string): IdentifiedReading[] {
  if ('readings' in message) {
    return message.readings.map((r, index) => ({
      ...r,
      messageId: r.messageId ?? `${correlationId}#${index}`,
    }));
  }
  return [{ ...message, messageId: message.messageId ?? correlationId }];
}

/** JSON.parse turns 1e999 into Infinity; find such a number and return its path. */
function findNonFiniteNumber(value: unknown, path = 'payload'): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findNonFiniteNumber(item, `${path}[${index}]`);
      if (found) return found;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = findNonFiniteNumber(item, `${path}.${key}`);
      if (found) return found;
    }
  }
  return undefined;
}
