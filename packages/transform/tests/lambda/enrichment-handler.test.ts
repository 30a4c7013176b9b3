// The Enrichment Lambda with AWS mocked at the SDK (aws-sdk-client-mock): a Kinesis event of telemetry
// envelopes in, lake rows out on each table's stream, and partial batch failures when a put fails.
import { DescribeThingCommand, IoTClient, ResourceNotFoundException } from '@aws-sdk/client-iot';
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { TelemetryEnvelope } from '@tributary/contracts';
import { createEnrichmentHandler } from '../../src/lambda/enrichment-handler.js';
import { IotThingRegistry } from '../../src/lambda/iot-thing-registry.js';
import { LakeStreamWriter } from '../../src/lambda/lake-stream-writer.js';

const iot = mockClient(IoTClient);
const kinesis = mockClient(KinesisClient);
const streamArns = { telemetry: 'arn:telemetry', anomalies: 'arn:anomalies', quarantine: 'arn:quarantine' };

function envelope(thing: string, payload: string, n: number): TelemetryEnvelope {
  return {
    topic: `dt/tributary/${thing}/telemetry`,
    clientId: thing,
    receivedAt: Date.UTC(2026, 10, 25, 5) + n,
    correlationId: `c-${n}`,
    payload: Buffer.from(payload).toString('base64'),
  };
}

function kinesisEvent(records: (TelemetryEnvelope | string)[]): KinesisStreamEvent {
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

const rowsPutOn = (arn: string) =>
  kinesis
    .commandCalls(PutRecordsCommand)
    .filter((call) => call.args[0].input.StreamARN === arn)
    .flatMap((call) => call.args[0].input.Records ?? [])
    .map((record) => JSON.parse(Buffer.from(record.Data!).toString()) as Record<string, unknown>);

const handler = () =>
  createEnrichmentHandler({
    registry: new IotThingRegistry(new IoTClient({ region: 'eu-west-1' })),
    writer: new LakeStreamWriter(streamArns, new KinesisClient({ region: 'eu-west-1' })),
  });

beforeEach(() => {
  iot.reset();
  kinesis.reset();
  iot.on(DescribeThingCommand, { thingName: 'sensor-1' }).resolves({
    thingName: 'sensor-1',
    thingTypeName: 'environment-sensor',
    attributes: { site: 'plant-north' },
  });
  iot
    .on(DescribeThingCommand, { thingName: 'stranger' })
    .rejects(new ResourceNotFoundException({ message: 'no such thing', $metadata: {} }));
  kinesis.on(PutRecordsCommand).callsFake((input: { Records: unknown[] }) => ({
    FailedRecordCount: 0,
    Records: input.Records.map((_, i) => ({ SequenceNumber: String(i), ShardId: 'shard-0' })),
  }));
});

describe('the Enrichment Lambda', () => {
  it('puts enriched readings on the telemetry lake stream, with registry context', async () => {
    const result = await handler()(
      kinesisEvent([
        envelope('sensor-1', '{"messageId":"m1","metrics":{"temperature":21.5,"humidity":40}}', 1),
      ]),
    );
    expect(result.batchItemFailures).toEqual([]);
    const rows = rowsPutOn(streamArns.telemetry);
    // The environment sensor's profile adds the dew point derived from temperature and humidity.
    expect(rows.map((row) => row['metric'])).toEqual(['temperature', 'humidity', 'dew_point']);
    expect(rows[0]).toMatchObject({
      thing_name: 'sensor-1',
      metric: 'temperature',
      value: 21.5,
      unit: '°C',
      site: 'plant-north',
      thing_type: 'environment-sensor',
      // No shadow is read on AWS yet: the reported firmware is unknown.
      firmware: null,
    });
  });

  it('quarantines a malformed message and a record that is not an envelope, and still succeeds', async () => {
    const result = await handler()(kinesisEvent([envelope('stranger', '{"metrics":', 1), 'not json at all']));
    expect(result.batchItemFailures).toEqual([]);
    const quarantined = rowsPutOn(streamArns.quarantine);
    expect(quarantined.map((r) => r['reason'])).toEqual(['INVALID_JSON', 'SCHEMA_MISMATCH']);
    expect(Buffer.from(String(quarantined[0]!['payload_base64']), 'base64').toString()).toBe('{"metrics":');
    expect(Buffer.from(String(quarantined[1]!['payload_base64']), 'base64').toString()).toBe(
      'not json at all',
    );
  });

  it('enriches an unregistered thing with nulls rather than failing', async () => {
    await handler()(kinesisEvent([envelope('stranger', '{"metrics":{"t":1}}', 1)]));
    expect(rowsPutOn(streamArns.telemetry)[0]).toMatchObject({
      thing_name: 'stranger',
      site: null,
      thing_type: null,
    });
  });

  it('reports the first record whose rows Kinesis refused, so Lambda retries from there', async () => {
    kinesis.on(PutRecordsCommand).callsFake((input: { Records: { Data: Uint8Array }[] }) => ({
      FailedRecordCount: 1,
      Records: input.Records.map((record) =>
        Buffer.from(record.Data).toString().includes('"message_id":"m2"')
          ? { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'slow down' }
          : { SequenceNumber: '1', ShardId: 'shard-0' },
      ),
    }));
    const result = await handler()(
      kinesisEvent([
        envelope('sensor-1', '{"messageId":"m1","metrics":{"t":1}}', 1),
        envelope('sensor-1', '{"messageId":"m2","metrics":{"t":2}}', 2),
        envelope('sensor-1', '{"messageId":"m3","metrics":{"t":3}}', 3),
      ]),
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'seq-1' }]);
  });

  it('fails the whole batch from its first record when a put call itself fails', async () => {
    kinesis.on(PutRecordsCommand).rejects(new Error('network down'));
    const result = await handler()(
      kinesisEvent([envelope('sensor-1', '{"messageId":"m1","metrics":{"t":1}}', 1)]),
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'seq-0' }]);
  });
});
