import type { TelemetryEnvelope } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import { validateEnvelope } from '../src/core/index.js';

const envelopeOf = (
  payload: Buffer | string,
  topic = 'dt/tributary/pump-7/telemetry',
): TelemetryEnvelope => ({
  topic,
  clientId: 'pump-7',
  receivedAt: Date.UTC(2026, 10, 25, 6),
  correlationId: 'c-1',
  payload: Buffer.from(payload).toString('base64'),
});

function reasonFor(payload: Buffer | string, topic?: string) {
  const outcome = validateEnvelope(envelopeOf(payload, topic));
  return outcome.kind === 'quarantined' ? outcome.record.reason : 'valid';
}

describe('validateEnvelope', () => {
  it('accepts a reading and uses the correlation id as message id when the device sent none', () => {
    const outcome = validateEnvelope(envelopeOf('{"metrics":{"temperature":21.5}}'));
    expect(outcome).toMatchObject({ kind: 'valid', thingName: 'pump-7' });
    if (outcome.kind === 'valid') expect(outcome.readings[0]?.messageId).toBe('c-1');
  });

  it('gives each reading of a batch its own message id', () => {
    const outcome = validateEnvelope(
      envelopeOf('{"readings":[{"metrics":{"t":1}},{"messageId":"x","metrics":{"t":2}}]}'),
    );
    expect(outcome.kind === 'valid' && outcome.readings.map((r) => r.messageId)).toEqual(['c-1#0', 'x']);
  });

  it.each([
    ['truncated JSON', 'INVALID_JSON', '{"t":'],
    ['a trailing comma', 'INVALID_JSON', '{"metrics":{"t":1},}'],
    ['single quotes', 'INVALID_JSON', "{'metrics':{'t':1}}"],
    ['1e999', 'NON_FINITE_NUMBER', '{"metrics":{"temperature":1e999}}'],
    ['a number sent as a string', 'SCHEMA_MISMATCH', '{"metrics":{"temperature":"21.5"}}'],
    ['a reading without metrics', 'SCHEMA_MISMATCH', '{"temperature":21.5}'],
    ['an empty batch', 'SCHEMA_MISMATCH', '{"readings":[]}'],
  ])('quarantines %s as %s (faults.md #1, #4, #5)', (_name, reason, payload) => {
    expect(reasonFor(payload)).toBe(reason);
  });

  it('names where the first non-finite number is, in a batch too (faults.md #4)', () => {
    const outcome = validateEnvelope(
      envelopeOf('{"readings":[{"metrics":{"t":1}},{"metrics":{"t":2,"p":-1e999}}],"note":1e999}'),
    );
    expect(outcome).toMatchObject({
      kind: 'quarantined',
      record: {
        reason: 'NON_FINITE_NUMBER',
        detail: expect.stringMatching(/^payload\.readings\[1\]\.metrics\.p is/),
      },
    });
  });

  it('quarantines non-UTF-8 bytes and keeps the original bytes (faults.md #2)', () => {
    const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    const outcome = validateEnvelope(envelopeOf(bytes));
    expect(outcome.kind).toBe('quarantined');
    if (outcome.kind === 'quarantined') {
      expect(outcome.record.reason).toBe('INVALID_UTF8');
      expect(Buffer.from(outcome.record.payload_base64, 'base64')).toEqual(bytes);
    }
  });

  it('quarantines an oversized payload and a topic that is not a telemetry topic', () => {
    expect(reasonFor(`{"metrics":{"t":1},"pad":"${'x'.repeat(140_000)}"}`)).toBe('PAYLOAD_TOO_LARGE');
    expect(reasonFor('{"metrics":{"t":1}}', 'dt/tributary/../../x/telemetry')).toBe('UNKNOWN_TOPIC');
  });

  it('accepts a message with fields the contract does not know, and keeps only the contract’s (faults.md #5)', () => {
    const outcome = validateEnvelope(
      envelopeOf('{"metrics":{"temperature":21.5},"firmware":"2.1","extra":{"nested":{"deeper":1}}}'),
    );
    expect(outcome).toMatchObject({ kind: 'valid', readings: [{ metrics: { temperature: 21.5 } }] });
    expect(outcome.kind === 'valid' && Object.keys(outcome.readings[0]!)).toEqual(['metrics', 'messageId']);
    // A change of nesting is not additive: a metric that became an object is refused, with where.
    const nested = validateEnvelope(envelopeOf('{"metrics":{"temperature":{"value":21.5}}}'));
    expect(nested).toMatchObject({ kind: 'quarantined', record: { reason: 'SCHEMA_MISMATCH' } });
    expect(nested.kind === 'quarantined' && nested.record.detail).toMatch(/metrics\.temperature/);
  });

  it('explains a schema mismatch in words', () => {
    const outcome = validateEnvelope(envelopeOf('{"metrics":{"temperature":"hot"}}'));
    expect(outcome.kind === 'quarantined' && outcome.record.detail).toMatch(/metrics\.temperature/);
  });
});
