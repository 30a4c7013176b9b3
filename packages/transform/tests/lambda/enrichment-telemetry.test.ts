// The Enrichment Lambda's Powertools telemetry, read from what it writes to stdout/stderr as CloudWatch would:
// one EMF document per invocation (namespace Tributary, dimension stage=transform) and JSON log lines that
// carry the correlation id of the record they are about.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DescribeThingCommand, IoTClient, ListThingGroupsForThingCommand } from '@aws-sdk/client-iot';
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AnomalyEventPublisher } from '../../src/lambda/anomaly-event-publisher.js';
import { createEnrichmentHandler } from '../../src/lambda/enrichment-handler.js';
import { createEnrichmentTelemetry } from '../../src/lambda/enrichment-telemetry.js';
import { IotThingRegistry } from '../../src/lambda/iot-thing-registry.js';
import { LakeStreamWriter } from '../../src/lambda/lake-stream-writer.js';
import { envelope, kinesisEvent, readingsOf, steadyThenSpike } from './kinesis-test-events.js';

const kinesis = mockClient(KinesisClient);
const iot = mockClient(IoTClient);
const eventBridge = mockClient(EventBridgeClient);
const streamArns = { telemetry: 'arn:telemetry', anomalies: 'arn:anomalies', quarantine: 'arn:quarantine' };
let written: string[];

interface EmfDocument {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] };
  [key: string]: unknown;
}

const jsonLines = () =>
  written
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
const emfDocuments = () => jsonLines().filter((line): line is EmfDocument => '_aws' in line);

const handler = () =>
  createEnrichmentHandler({
    registry: new IotThingRegistry(new IoTClient({ region: 'eu-west-1' })),
    writer: new LakeStreamWriter(streamArns, new KinesisClient({ region: 'eu-west-1' })),
    anomalyEvents: new AnomalyEventPublisher('bus', new EventBridgeClient({ region: 'eu-west-1' })),
    telemetry: createEnrichmentTelemetry(),
  });

beforeEach(() => {
  written = [];
  const capture = (chunk: string | Uint8Array) => {
    written.push(chunk.toString());
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  for (const mock of [kinesis, iot, eventBridge]) mock.reset();
  iot.on(DescribeThingCommand).resolves({ thingName: 'pump-7', attributes: {} });
  iot.on(ListThingGroupsForThingCommand).resolves({ thingGroups: [] });
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
  kinesis.on(PutRecordsCommand).callsFake((input: { Records: { Data: Uint8Array }[] }) => {
    const refused = (data: Uint8Array) => Buffer.from(data).toString().includes('"message_id":"m2"');
    return {
      FailedRecordCount: input.Records.filter((record) => refused(record.Data)).length,
      Records: input.Records.map((record) =>
        refused(record.Data)
          ? { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }
          : { SequenceNumber: '1' },
      ),
    };
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('Powertools metrics (EMF)', () => {
  it('publishes what each invocation delivered, in the Tributary namespace with stage=transform', async () => {
    const enrichment = handler();
    await enrichment(
      kinesisEvent([
        envelope('pump-7', '{"messageId":"m0","metrics":{"t":1,"u":2}}', 0),
        envelope('pump-7', '{"messageId":"m1","metrics":{"t":3}}', 1),
        'not an envelope',
      ]),
    );
    await enrichment(
      kinesisEvent([
        envelope('pump-7', '{"messageId":"m2","metrics":{"t":1}}', 2),
        envelope('pump-7', '{"messageId":"m3","metrics":{"t":1}}', 3),
      ]),
    );
    const [first, second] = emfDocuments();
    expect(emfDocuments()).toHaveLength(2);
    expect(first!._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'Tributary' });
    expect(first!._aws.CloudWatchMetrics[0]!.Dimensions[0]).toContain('stage');
    expect(first).toMatchObject({
      stage: 'transform',
      ReadingsEnriched: 3,
      RecordsQuarantined: 1,
      AnomaliesRaised: 0,
      AnomaliesCleared: 0,
      LakeRowsFailed: 0,
    });
    // Kinesis refused m2's row: it is counted as failed, and m3's row as enriched.
    expect(second).toMatchObject({ ReadingsEnriched: 1, LakeRowsFailed: 1 });
  });

  it('counts the raised anomalies EventBridge accepted', async () => {
    // Without m2, whose rows this Kinesis refuses.
    await handler()(kinesisEvent(readingsOf('pump-7', steadyThenSpike()).filter((_, n) => n !== 2)));
    const raisedInLake = kinesis
      .commandCalls(PutRecordsCommand)
      .filter((call) => call.args[0].input.StreamARN === streamArns.anomalies)
      .flatMap((call) => call.args[0].input.Records ?? [])
      .filter((record) => Buffer.from(record.Data!).toString().includes('"state":"raised"')).length;
    expect(raisedInLake).toBeGreaterThan(0);
    expect(emfDocuments()[0]).toMatchObject({ AnomaliesRaised: raisedInLake });
  });
});

describe('Powertools logs', () => {
  it('name the record Lambda retries from by its correlation id', async () => {
    const result = await handler()(
      kinesisEvent([
        envelope('pump-7', '{"messageId":"m1","metrics":{"t":1}}', 1),
        envelope('pump-7', '{"messageId":"m2","metrics":{"t":1}}', 2),
      ]),
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'seq-1' }]);
    expect(jsonLines()).toContainEqual(
      expect.objectContaining({
        level: 'WARN',
        service: 'tributary-enrichment',
        correlation_id: 'c-2',
        sequence_number: 'seq-1',
      }),
    );
  });
});
