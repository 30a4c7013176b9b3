import { describe, expect, it } from 'vitest';
import { TelemetryMessage, TelemetryReading, thingNameFromTelemetryTopic, topics } from '../src/index.js';

describe('telemetry contract', () => {
  it('accepts a single reading and a batch of readings', () => {
    expect(
      TelemetryMessage.safeParse({ messageId: 'm1', ts: 1, metrics: { temperature: 21.5 } }).success,
    ).toBe(true);
    expect(
      TelemetryMessage.safeParse({ readings: [{ metrics: { t: 1 } }, { metrics: { t: 2 } }] }).success,
    ).toBe(true);
  });

  it('rejects non-finite numbers, as JSON.parse turns 1e999 into Infinity (faults.md #4)', () => {
    const parsed = JSON.parse('{"metrics":{"temperature":1e999}}');
    expect(parsed.metrics.temperature).toBe(Infinity);
    expect(TelemetryReading.safeParse(parsed).success).toBe(false);
    expect(TelemetryReading.safeParse({ metrics: { temperature: NaN } }).success).toBe(false);
  });

  it('rejects a value of the wrong type, an empty metrics object and a bad metric name', () => {
    expect(TelemetryReading.safeParse({ metrics: { temperature: '21.5' } }).success).toBe(false);
    expect(TelemetryReading.safeParse({ metrics: {} }).success).toBe(false);
    expect(TelemetryReading.safeParse({ metrics: { '../x': 1 } }).success).toBe(false);
  });

  it('finds the thing name in a telemetry topic and nothing in other topics', () => {
    expect(thingNameFromTelemetryTopic(topics.telemetry('pump-7'))).toBe('pump-7');
    expect(thingNameFromTelemetryTopic('dt/tributary/../telemetry')).toBeUndefined();
    expect(thingNameFromTelemetryTopic('dt/other/pump-7/telemetry')).toBeUndefined();
    expect(thingNameFromTelemetryTopic('dt/tributary/pump-7/telemetry/extra')).toBeUndefined();
    for (const notTelemetry of [
      'dt/tributary/telemetry',
      'dt/tributary//telemetry',
      'dt/tributary/pump-7/pump-8/telemetry',
      'xdt/tributary/pump-7/telemetry',
      'dt/tributary/pump-7/xtelemetry',
      '/dt/tributary/pump-7/telemetry',
    ]) {
      expect(thingNameFromTelemetryTopic(notTelemetry), notTelemetry).toBeUndefined();
    }
  });
});
