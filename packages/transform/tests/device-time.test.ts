// Device clocks (faults.md #18) and numbers a double cannot hold (#4): what validation keeps, what it
// quarantines with the original bytes, and which time the detector scores a reading at.
import type { TelemetryEnvelope } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import {
  allowedLatenessMs,
  DetectorStates,
  maxDeviceClockAheadMs,
  scoringTimeOf,
  transformBatch,
  validateEnvelope,
} from '../src/core/index.js';

const receivedAt = Date.UTC(2026, 11, 4, 8);
const envelopeOf = (payload: unknown, correlationId = 'c-1'): TelemetryEnvelope => ({
  topic: 'dt/tributary/pump-7/telemetry',
  clientId: 'pump-7',
  receivedAt,
  correlationId,
  payload: Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)).toString('base64'),
});

describe('device time', () => {
  it('keeps a reading whose device time is behind, within the allowed lateness, and scores it at that time', () => {
    const ts = receivedAt - allowedLatenessMs + 1;
    const outcome = validateEnvelope(envelopeOf({ ts, metrics: { t: 1 } }));
    expect(outcome).toMatchObject({ kind: 'valid', readings: [{ ts }] });
    expect(scoringTimeOf({ device_time: ts, received_at: receivedAt })).toBe(ts);
  });

  it('quarantines a reading later than the allowed lateness, with the original bytes and why', () => {
    const payload = JSON.stringify({ ts: receivedAt - allowedLatenessMs - 1, metrics: { t: 1 } });
    const outcome = validateEnvelope(envelopeOf(payload));
    expect(outcome).toMatchObject({ kind: 'quarantined', record: { reason: 'LATE_READING' } });
    if (outcome.kind !== 'quarantined') return;
    expect(Buffer.from(outcome.record.payload_base64, 'base64').toString()).toBe(payload);
    expect(outcome.record.detail).toContain(
      'more than 24 h before its receive time 2026-12-04T08:00:00.000Z',
    );
  });

  it('refuses a device time in seconds instead of converting it silently', () => {
    const outcome = validateEnvelope(envelopeOf({ ts: Math.floor(receivedAt / 1000), metrics: { t: 1 } }));
    expect(outcome).toMatchObject({ kind: 'quarantined', record: { reason: 'INVALID_DEVICE_TIME' } });
    expect(outcome.kind === 'quarantined' && outcome.record.detail).toMatch(/looks like seconds/);
  });

  it('goes on with the on-time readings of a batch and quarantines the late ones once', () => {
    const batch = {
      readings: [
        { messageId: 'a', ts: receivedAt - 1_000, metrics: { t: 1 } },
        { messageId: 'b', ts: receivedAt - 3 * allowedLatenessMs, metrics: { t: 2 } },
        { messageId: 'c', metrics: { t: 3 } },
      ],
    };
    const result = transformBatch([envelopeOf(batch)], new Map(), new DetectorStates());
    expect(result.readings.map((r) => r.message_id)).toEqual(['a', 'c']);
    expect(result.quarantined).toHaveLength(1);
    expect(result.quarantined[0]).toMatchObject({ reason: 'LATE_READING', correlation_id: 'c-1' });
    expect(result.quarantined[0]?.detail).toMatch(/^reading 1: /);
  });

  it('keeps a reading from a clock running ahead, but scores it at its receive time', () => {
    const ahead = receivedAt + maxDeviceClockAheadMs + 1;
    expect(validateEnvelope(envelopeOf({ ts: ahead, metrics: { t: 1 } })).kind).toBe('valid');
    expect(scoringTimeOf({ device_time: ahead, received_at: receivedAt })).toBe(receivedAt);
    expect(scoringTimeOf({ device_time: receivedAt + 1_000, received_at: receivedAt })).toBe(
      receivedAt + 1_000,
    );
  });
});

describe('numbers a double cannot hold', () => {
  it('quarantines an integer beyond 2^53 that would be rounded, naming it', () => {
    const outcome = validateEnvelope(envelopeOf('{"metrics":{"counter":9007199254740993}}'));
    expect(outcome).toMatchObject({ kind: 'quarantined', record: { reason: 'INEXACT_NUMBER' } });
    expect(outcome.kind === 'quarantined' && outcome.record.detail).toMatch(
      /^9007199254740993 is an integer beyond 2\^53 .* \(it would read as 9007199254740992\)/,
    );
  });

  it('accepts large numbers a double holds exactly, and digits inside strings or fractions', () => {
    for (const payload of [
      '{"metrics":{"counter":9007199254740992}}',
      '{"metrics":{"big":1e300}}',
      '{"messageId":"12345678901234567890123","metrics":{"big":1e20,"f":0.12345678901234567890}}',
      '{"metrics":{"power":1152921504606846976}}',
    ]) {
      expect(validateEnvelope(envelopeOf(payload)).kind, payload).toBe('valid');
    }
  });

  it('stores -0 as 0', () => {
    const outcome = validateEnvelope(
      envelopeOf('{"readings":[{"metrics":{"t":-0}},{"metrics":{"t":-0.0}}]}'),
    );
    expect(outcome.kind === 'valid' && outcome.readings.map((r) => Object.is(r.metrics['t'], -0))).toEqual([
      false,
      false,
    ]);
  });
});
