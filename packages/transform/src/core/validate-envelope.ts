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
import { allowedLatenessMs, deviceTimeVerdictOf } from './device-time.js';
import { isExactTelemetryMessage } from './exact-telemetry-message.js';

/** AWS IoT Core's payload limit; anything bigger never came from a faithful broker. */
export const maxPayloadBytes = 128 * 1024;

export type ValidationOutcome =
  | {
      readonly kind: 'valid';
      readonly thingName: string;
      readonly readings: readonly IdentifiedReading[];
      /** The message's readings that were refused (late, or timed in seconds), if some others were not. */
      readonly refused?: QuarantineRecord;
    }
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
  const inexactInteger = findInexactIntegerLiteral(json, text);
  if (inexactInteger !== undefined) {
    return quarantine(
      'INEXACT_NUMBER',
      `${inexactInteger} is an integer beyond 2^53 that a double cannot hold exactly (it would read as ` +
        `${Number(inexactInteger)}); scale it down, or send it with a fraction (.0) if rounding is acceptable`,
    );
  }
  let message: TelemetryMessage;
  if (isExactTelemetryMessage(json)) message = json;
  else {
    // Pick the schema by shape so a mistake is explained field by field, not as "no union member matched".
    const schema =
      json !== null && typeof json === 'object' && 'readings' in json ? TelemetryBatch : TelemetryReading;
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      return quarantine('SCHEMA_MISMATCH', z.prettifyError(parsed.error).replaceAll('\n', '; '));
    }
    message = parsed.data;
  }
  const readings = identify(message, envelope.correlationId);
  const refused: { index: number; ts: number; verdict: 'late' | 'seconds' }[] = [];
  for (const [index, reading] of readings.entries()) {
    if (reading.ts === undefined) continue;
    const verdict = deviceTimeVerdictOf(reading.ts, envelope.receivedAt);
    if (verdict === 'late' || verdict === 'seconds') refused.push({ index, ts: reading.ts, verdict });
  }
  if (refused.length === 0) return { kind: 'valid', thingName, readings };
  // The message's original bytes go to quarantine once, naming the readings refused; the others go on.
  const detail = refused
    .map(({ index, ts, verdict }) =>
      verdict === 'seconds'
        ? `reading ${index}: ts ${ts} looks like seconds since the epoch; ts must be epoch milliseconds`
        : `reading ${index}: ts ${new Date(ts).toISOString()} is more than ${allowedLatenessMs / 3_600_000} h ` +
          `before its receive time ${new Date(envelope.receivedAt).toISOString()}`,
    )
    .join('; ');
  const late = quarantine(
    refused.some((r) => r.verdict === 'seconds') ? 'INVALID_DEVICE_TIME' : 'LATE_READING',
    detail,
  );
  const kept = readings.filter((_, index) => !refused.some((r) => r.index === index));
  if (kept.length === 0) return late;
  return {
    kind: 'valid',
    thingName,
    readings: kept,
    ...(late.kind === 'quarantined' ? { refused: late.record } : {}),
  };
}

/** The integer literal in `text` a double rounds, if `json` holds a number that may be one. */
function findInexactIntegerLiteral(json: unknown, text: string): string | undefined {
  // Cheap first: only a parsed integer beyond 2^53 can have lost digits.
  if (!hasUnsafeInteger(json)) return undefined;
  for (const [token] of text.matchAll(/"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g)) {
    if (token.startsWith('"') || /[.eE]/.test(token)) continue;
    if (BigInt(token) !== BigInt(Number(token))) return token;
  }
  return undefined;
}

function hasUnsafeInteger(value: unknown): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && !Number.isSafeInteger(value);
  if (value !== null && typeof value === 'object') {
    for (const key in value) if (hasUnsafeInteger((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

/**
 * Gives every reading an id — the device's, or one derived from the envelope so replays dedupe — and makes -0
 * metrics 0. The message was parsed for this envelope alone, so its readings are completed in place.
 */
function identify(message: TelemetryMessage, correlationId: string): IdentifiedReading[] {
  const readings: TelemetryReading[] = 'readings' in message ? message.readings : [message];
  const batched = 'readings' in message;
  for (const [index, reading] of readings.entries()) {
    withoutNegativeZero(reading.metrics);
    reading.messageId ??= batched ? `${correlationId}#${index}` : correlationId;
  }
  return readings as IdentifiedReading[];
}

/** -0 is 0 (faults.md #4): otherwise it is stored as -0.0 and a query sees two zeros. */
function withoutNegativeZero(metrics: Record<string, number>): void {
  for (const name in metrics) if (Object.is(metrics[name], -0)) metrics[name] = 0;
}

/** JSON.parse turns 1e999 into Infinity; find such a number and return its path. */
function findNonFiniteNumber(value: unknown): string | undefined {
  const steps = nonFiniteNumberSteps(value);
  return steps && ['payload', ...steps.reverse()].join('');
}

/** The path to the first non-finite number, innermost step first; built only once one is found. */
function nonFiniteNumberSteps(value: unknown): string[] | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : [];
  if (value === null || typeof value !== 'object') return undefined;
  const isArray = Array.isArray(value);
  for (const key in value) {
    const steps = nonFiniteNumberSteps((value as Record<string, unknown>)[key]);
    if (steps) return [...steps, isArray ? `[${key}]` : `.${key}`];
  }
  return undefined;
}
