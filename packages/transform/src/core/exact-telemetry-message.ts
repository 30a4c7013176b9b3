// The check that lets a well-formed telemetry message skip zod. A batch of 500 readings parsed by zod cost the
// platform's main thread ~6% in the e2e bench's batched run, and zod copies every reading it accepts. A message
// that passes this check is one zod would accept and return unchanged (no unknown field to strip, nothing to
// convert), so it is used as parsed; any other goes through zod, which accepts it or says what is wrong.
// tests/exact-telemetry-message.test.ts holds this check to the schemas, case by case.
import { metricNamePattern, type TelemetryMessage } from '@tributary/contracts';

const maxReadingsPerBatch = 500;
const maxMessageIdLength = 128;

/**
 * True only when `TelemetryBatch` (if `json` has `readings`) or `TelemetryReading` (if not) would parse it to an
 * equal value. False says nothing: zod decides.
 */
export function isExactTelemetryMessage(json: unknown): json is TelemetryMessage {
  if (!isPlainObject(json)) return false;
  if (!('readings' in json)) return isExactReading(json);
  const { readings } = json;
  if (!Array.isArray(readings) || readings.length === 0 || readings.length > maxReadingsPerBatch)
    return false;
  if (ownKeyCount(json) !== 1) return false;
  for (const reading of readings) if (!isExactReading(reading)) return false;
  return true;
}

function isExactReading(reading: unknown): boolean {
  if (!isPlainObject(reading)) return false;
  let fields = 0;
  for (const name in reading) {
    fields += 1;
    const value = reading[name];
    switch (name) {
      case 'messageId':
        if (typeof value !== 'string' || value.length < 1 || value.length > maxMessageIdLength) return false;
        break;
      case 'ts':
      case 'seq':
        if (!Number.isSafeInteger(value) || (value as number) < 0) return false;
        break;
      case 'metrics':
        if (!isExactMetrics(value)) return false;
        break;
      default:
        return false;
    }
  }
  return fields > 0 && 'metrics' in reading;
}

function isExactMetrics(metrics: unknown): boolean {
  if (!isPlainObject(metrics)) return false;
  let count = 0;
  for (const name in metrics) {
    // zod builds its copy by assignment, and assigning "__proto__" sets a prototype: zod decides that one.
    if (name === '__proto__' || !metricNamePattern.test(name)) return false;
    const value = metrics[name];
    if (typeof value !== 'number' || !Number.isFinite(value)) return false;
    count += 1;
  }
  return count > 0;
}

/** An object as JSON.parse makes them: Object's prototype, own enumerable fields only. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

function ownKeyCount(object: Record<string, unknown>): number {
  let count = 0;
  for (const name in object) if (Object.hasOwn(object, name)) count += 1;
  return count;
}
