// Kinesis events and telemetry envelopes as the telemetry rule puts them, for the Enrichment Lambda's tests.
import type { KinesisStreamEvent } from 'aws-lambda';
import type { TelemetryEnvelope } from '@tributary/contracts';

export function envelope(thing: string, payload: string, n: number): TelemetryEnvelope {
  return {
    topic: `dt/tributary/${thing}/telemetry`,
    clientId: thing,
    receivedAt: Date.UTC(2026, 10, 25, 5) + n * 1000,
    correlationId: `c-${n}`,
    payload: Buffer.from(payload).toString('base64'),
  };
}

/** One reading of metric `t` per value, messages m0, m1, … */
export function readingsOf(thing: string, values: readonly number[]): TelemetryEnvelope[] {
  return values.map((value, n) =>
    envelope(thing, JSON.stringify({ messageId: `m${n}`, metrics: { t: value } }), n),
  );
}

/** Steady readings around 20 (a little noise, the same every run), then one far outside them. */
export function steadyThenSpike(steady = 400, spike = 1_000): number[] {
  return [...Array.from({ length: steady }, (_, i) => 20 + ((i * 7) % 5) / 10), spike];
}

export function kinesisEvent(records: readonly (TelemetryEnvelope | string)[]): KinesisStreamEvent {
  return {
    Records: records.map((record, i) => ({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: 'k',
        sequenceNumber: `seq-${i}`,
        approximateArrivalTimestamp: 1_764_046_800 + i,
        data: Buffer.from(typeof record === 'string' ? record : JSON.stringify(record)).toString('base64'),
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `shard-0:seq-${i}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:role',
      awsRegion: 'eu-west-1',
      eventSourceARN: 'arn:stream',
    })),
  };
}
