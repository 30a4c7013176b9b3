import type { TelemetryEnvelope } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import {
  alarmPolicy,
  DetectorStates,
  platformDetection,
  transformBatch,
  type ThingContext,
} from '../src/core/index.js';

let sequence = 0;
const envelopeOf = (thing: string, body: unknown): TelemetryEnvelope => ({
  topic: `dt/tributary/${thing}/telemetry`,
  clientId: thing,
  receivedAt: 1_700_000_000_000 + sequence * 1000,
  correlationId: `c-${sequence++}`,
  payload: Buffer.from(JSON.stringify(body)).toString('base64'),
});

const contexts = new Map<string, ThingContext>([
  ['pump-7', { thingName: 'pump-7', thingType: 'pump', attributes: { site: 'plant-a' } }],
]);

const deviceTime = 1_699_999_999_500;

describe('transformBatch', () => {
  it('splits a reading into one enriched row per metric with registry context', () => {
    const result = transformBatch(
      [envelopeOf('pump-7', { messageId: 'm1', ts: deviceTime, metrics: { temperature: 21.5, pressure: 1.2 } })],
      contexts,
      new DetectorStates(),
    );
    expect(result.readings).toHaveLength(2);
    expect(result.readings[0]).toMatchObject({
      thing_name: 'pump-7',
      metric: 'temperature',
      value: 21.5,
      device_time: deviceTime,
      message_id: 'm1',
      thing_type: 'pump',
      site: 'plant-a',
      unit: null,
      raw_value: 21.5,
      firmware: null,
    });
  });

  it('keeps the device’s sequence number on every row of its reading, and refuses a negative one', () => {
    const result = transformBatch(
      [
        envelopeOf('pump-7', { messageId: 's1', seq: 41, metrics: { temperature: 21.5, pressure: 1.2 } }),
        envelopeOf('pump-7', { messageId: 's2', metrics: { temperature: 21.6 } }),
        envelopeOf('pump-7', { messageId: 's3', seq: -1, metrics: { temperature: 21.7 } }),
      ],
      contexts,
      new DetectorStates(),
    );
    expect(result.readings.map((r) => [r.message_id, r.sequence])).toEqual([
      ['s1', 41],
      ['s1', 41],
      ['s2', null],
    ]);
    expect(result.quarantined).toMatchObject([{ reason: 'SCHEMA_MISMATCH' }]);
    expect(result.quarantined[0]?.detail).toMatch(/seq/);
  });

  it('enriches with the profile of the thing’s type: calibrated, in canonical units, with derived rows', () => {
    const sensorContexts = new Map<string, ThingContext>([
      [
        'sensor-1',
        {
          thingName: 'sensor-1',
          thingType: 'environment-sensor',
          attributes: { site: 'plant-north' },
          groups: ['north'],
          reported: { firmware: '2.4.1', calibration: { temperature: { offset: -1 } } },
        },
      ],
    ]);
    const result = transformBatch(
      [envelopeOf('sensor-1', { messageId: 'm1', metrics: { temperature: 21, humidity: 40 } })],
      sensorContexts,
      new DetectorStates(),
    );
    expect(result.readings.map((r) => [r.metric, r.value, r.unit, r.raw_value])).toEqual([
      ['temperature', 20, '°C', 21],
      ['humidity', 40, '%', 40],
      ['dew_point', expect.closeTo(6.0, 1), '°C', null],
    ]);
    expect(result.readings[0]).toMatchObject({
      firmware: '2.4.1',
      thing_groups: 'north',
      site: 'plant-north',
    });
  });

  it('keeps going after a bad message: the good ones are processed, the bad one quarantined', () => {
    const bad = { ...envelopeOf('pump-7', {}), payload: Buffer.from('{"t":').toString('base64') };
    const result = transformBatch(
      [envelopeOf('pump-7', { metrics: { t: 1 } }), bad, envelopeOf('pump-7', { metrics: { t: 2 } })],
      contexts,
      new DetectorStates(),
    );
    expect(result.readings.map((r) => r.value)).toEqual([1, 2]);
    expect(result.quarantined.map((q) => q.reason)).toEqual(['INVALID_JSON']);
  });

  it('scores null while a series is learning, then raises one critical alarm on a spike and clears it after quiet points', () => {
    const detectors = new DetectorStates();
    const { learningPoints } = detectors.detection;
    const steady = (i: number) => 20 + Math.sin(i / 7) * 0.5 + ((i * 7919) % 13) * 0.01;
    const values = [
      ...Array.from({ length: learningPoints + 100 }, (_, i) => steady(i)),
      60,
      ...Array.from({ length: 30 }, (_, i) => steady(i)),
    ];
    const result = transformBatch(
      values.map((v) => envelopeOf('pump-7', { metrics: { temperature: v } })),
      contexts,
      detectors,
    );
    const spikeAt = learningPoints + 100;
    expect(result.readings[learningPoints - 1]?.anomaly_score).toBeNull();
    expect(result.readings[learningPoints]?.anomaly_score).toEqual(expect.any(Number));
    expect(result.anomalies.map((a) => [a.state, a.severity, a.value])).toEqual([
      ['raised', 'critical', 60],
      ['cleared', 'critical', values[spikeAt + alarmPolicy.quietPointsToClear]],
    ]);
    expect(result.anomalies[0]).toMatchObject({ detector: 'likelihood-ensemble', thing_name: 'pump-7' });
    expect(result.readings[spikeAt]?.anomaly_score).toBeGreaterThan(0.9);
  });

  it('raises a warning on one reading far from the recent level inside the range seen: the point rule', () => {
    const noisy = (i: number) => 20 + (((i * 7919) % 13) - 6) / 6;
    const spikeAt = 400;
    // A wide range seen early (±5), then ±1 noise and one reading 5 above the level: 8 standard deviations.
    const values = Array.from({ length: spikeAt + 30 }, (_, i) =>
      i === spikeAt ? 25 : i < 20 ? 20 + (i % 2 === 0 ? 5 : -5) : noisy(i),
    );
    const transformed = (detectors: DetectorStates) =>
      transformBatch(
        values.map((v) => envelopeOf('pump-7', { metrics: { temperature: v } })),
        contexts,
        detectors,
      );
    const withRule = transformed(new DetectorStates());
    expect(withRule.anomalies.map((a) => [a.state, a.severity, a.value])).toEqual([
      ['raised', 'warning', 25],
      ['cleared', 'warning', values[spikeAt + alarmPolicy.quietPointsToClear]],
    ]);
    const { pointRule: _, ...detectorAlone } = platformDetection;
    expect(transformed(new DetectorStates(detectorAlone)).anomalies).toEqual([]);
  });

  it('starts afresh a series whose stored state another detector wrote', () => {
    const stored = { 'pump-7/x': { detector: { count: 40, mean: 1, variance: 0 }, alarm: { raised: true } } };
    const states = DetectorStates.fromJSON(stored);
    expect(states.size).toBe(0);
    const result = transformBatch([envelopeOf('pump-7', { metrics: { x: 5 } })], contexts, states);
    expect(result.readings[0]?.anomaly_score).toBeNull();
    expect(result.anomalies).toEqual([]);
  });

  it('continues a series identically from serialised detector state', () => {
    const series = Array.from({ length: 400 }, (_, i) => 10 + Math.sin(i));
    const whole = new DetectorStates();
    const split = new DetectorStates();
    const first = series.slice(0, 200).map((v) => envelopeOf('pump-7', { metrics: { x: v } }));
    const second = series.slice(200).map((v) => envelopeOf('pump-7', { metrics: { x: v } }));
    const wholeScores = transformBatch([...first, ...second], contexts, whole).readings.map(
      (r) => r.anomaly_score,
    );
    transformBatch(first, contexts, split);
    const restored = DetectorStates.fromJSON(JSON.parse(JSON.stringify(split)));
    const restoredScores = transformBatch(second, contexts, restored).readings.map((r) => r.anomaly_score);
    expect(restoredScores).toEqual(wholeScores.slice(200));
  });
});
