// The Enrichment Lambda with AWS mocked at the SDK (aws-sdk-client-mock): a Kinesis event of telemetry
// envelopes in, lake rows out on each table's stream enriched with the thing's registry record, groups and
// shadow, and partial batch failures when a put or a record's transform fails.
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DescribeThingCommand,
  IoTClient,
  ListThingGroupsForThingCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-iot';
import {
  GetThingShadowCommand,
  IoTDataPlaneClient,
  type GetThingShadowCommandOutput,
  ResourceNotFoundException as ShadowNotFoundException,
} from '@aws-sdk/client-iot-data-plane';
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AnomalyEventPublisher } from '../../src/lambda/anomaly-event-publisher.js';
import { createEnrichmentHandler, type EnrichmentDependencies } from '../../src/lambda/enrichment-handler.js';
import { IotThingRegistry } from '../../src/lambda/iot-thing-registry.js';
import { LakeStreamWriter } from '../../src/lambda/lake-stream-writer.js';
import { profileShadowReader } from '../../src/lambda/shadow-reading-profiles.js';
import { envelope, kinesisEvent } from './kinesis-test-events.js';
import { quietTelemetry } from './quiet-telemetry.js';

const iot = mockClient(IoTClient);
const iotData = mockClient(IoTDataPlaneClient);
const kinesis = mockClient(KinesisClient);
const eventBridge = mockClient(EventBridgeClient);
const streamArns = { telemetry: 'arn:telemetry', anomalies: 'arn:anomalies', quarantine: 'arn:quarantine' };

const rowsPutOn = (arn: string) =>
  kinesis
    .commandCalls(PutRecordsCommand)
    .filter((call) => call.args[0].input.StreamARN === arn)
    .flatMap((call) => call.args[0].input.Records ?? [])
    .map((record) => JSON.parse(Buffer.from(record.Data!).toString()) as Record<string, unknown>);

const handler = (overrides: Partial<EnrichmentDependencies> = {}) => {
  const registry = new IotThingRegistry(new IoTClient({ region: 'eu-west-1' }));
  return createEnrichmentHandler({
    registry,
    shadows: profileShadowReader(registry, new IoTDataPlaneClient({ region: 'eu-west-1' })),
    writer: new LakeStreamWriter(streamArns, new KinesisClient({ region: 'eu-west-1' })),
    anomalyEvents: new AnomalyEventPublisher(
      'tributary-anomalies',
      new EventBridgeClient({ region: 'eu-west-1' }),
    ),
    telemetry: quietTelemetry(),
    ...overrides,
  });
};

/** GetThingShadow's answer: the shadow document as bytes (the SDK wraps them in a blob adapter). */
const shadowDocument = (reported: Record<string, unknown>) => ({
  payload: new TextEncoder().encode(
    JSON.stringify({ state: { reported }, version: 3 }),
  ) as GetThingShadowCommandOutput['payload'],
});

beforeEach(() => {
  for (const mock of [iot, iotData, kinesis, eventBridge]) mock.reset();
  iot.on(DescribeThingCommand, { thingName: 'sensor-1' }).resolves({
    thingName: 'sensor-1',
    thingTypeName: 'environment-sensor',
    attributes: { site: 'plant-north' },
  });
  iot.on(DescribeThingCommand, { thingName: 'pump-7' }).resolves({ thingName: 'pump-7', attributes: {} });
  iot
    .on(DescribeThingCommand, { thingName: 'stranger' })
    .rejects(new ResourceNotFoundException({ message: 'no such thing', $metadata: {} }));
  iot.on(ListThingGroupsForThingCommand).resolves({ thingGroups: [] });
  iotData
    .on(GetThingShadowCommand)
    .rejects(new ShadowNotFoundException({ message: 'No shadow exists with name', $metadata: {} }));
  kinesis.on(PutRecordsCommand).callsFake((input: { Records: unknown[] }) => ({
    FailedRecordCount: 0,
    Records: input.Records.map((_, i) => ({ SequenceNumber: String(i), ShardId: 'shard-0' })),
  }));
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
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
      // This sensor has no shadow (GetThingShadow: ResourceNotFoundException): no reported firmware.
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

describe('a record whose transform throws (the batch processor)', () => {
  // A registry record whose attributes cannot be read makes enrichment throw for that thing's readings.
  const corruptRegistry: EnrichmentDependencies['registry'] = {
    describeThing: async (thingName) => ({
      thingTypeName: null,
      attributes:
        thingName === 'poison'
          ? new Proxy<Record<string, string>>(
              {},
              {
                get: () => {
                  throw new Error('attribute store corrupt');
                },
              },
            )
          : { site: 'plant-north' },
    }),
  };

  it('is reported alone; the records before it are written, the ones after it wait for the retry', async () => {
    const result = await handler({ registry: corruptRegistry })(
      kinesisEvent([
        envelope('pump-7', '{"messageId":"m1","metrics":{"t":1}}', 1),
        envelope('poison', '{"messageId":"m2","metrics":{"t":2}}', 2),
        envelope('pump-7', '{"messageId":"m3","metrics":{"t":3}}', 3),
      ]),
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'seq-1' }]);
    expect(rowsPutOn(streamArns.telemetry).map((row) => row['message_id'])).toEqual(['m1']);
  });

  it('fails the invocation when it is the first record, so bisect-on-error can isolate it', async () => {
    await expect(
      handler({ registry: corruptRegistry })(
        kinesisEvent([
          envelope('poison', '{"messageId":"m1","metrics":{"t":1}}', 1),
          envelope('pump-7', '{"messageId":"m2","metrics":{"t":2}}', 2),
        ]),
      ),
    ).rejects.toBeInstanceOf(FullBatchFailureError);
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(0);
  });
});

// The same context the local platform reads (local/thing-context-cache.ts): registry record, direct groups
// (ListThingGroupsForThing, paginated) and the classic shadow's reported section (GetThingShadow).
describe('the thing context on AWS', () => {
  it("fills the firmware and calibration a profile reads from the shadow, and the thing's groups", async () => {
    iotData
      .on(GetThingShadowCommand, { thingName: 'sensor-1' })
      .resolves(
        shadowDocument({ firmware: '2.4.1', calibration: { temperature: { gain: 1, offset: -0.5 } } }),
      );
    iot
      .on(ListThingGroupsForThingCommand, { thingName: 'sensor-1', nextToken: undefined })
      .resolves({ thingGroups: [{ groupName: 'north-hall' }], nextToken: 'page-2' })
      .on(ListThingGroupsForThingCommand, { thingName: 'sensor-1', nextToken: 'page-2' })
      .resolves({ thingGroups: [{ groupName: 'boilers' }] });
    await handler()(
      kinesisEvent([envelope('sensor-1', '{"messageId":"m1","metrics":{"temperature":21.5}}', 1)]),
    );
    expect(rowsPutOn(streamArns.telemetry)[0]).toMatchObject({
      metric: 'temperature',
      value: 21,
      firmware: '2.4.1',
      thing_groups: 'boilers,north-hall',
    });
  });

  it('does not read the shadow of a thing whose profile takes nothing from it', async () => {
    await handler()(kinesisEvent([envelope('pump-7', '{"messageId":"m1","metrics":{"t":1}}', 1)]));
    expect(rowsPutOn(streamArns.telemetry)).toHaveLength(1);
    expect(iot.commandCalls(ListThingGroupsForThingCommand)).toHaveLength(1);
    expect(iotData.commandCalls(GetThingShadowCommand)).toHaveLength(0);
  });

  it('keeps a context for a minute, as the local cache does', async () => {
    const enrichment = handler();
    const reading = (n: number) =>
      envelope('sensor-1', `{"messageId":"m${n}","metrics":{"temperature":20}}`, n);
    await enrichment(kinesisEvent([reading(1)]));
    await enrichment(kinesisEvent([reading(2)]));
    expect(iot.commandCalls(DescribeThingCommand)).toHaveLength(1);
    expect(iotData.commandCalls(GetThingShadowCommand)).toHaveLength(1);
  });

  it('retries the batch when the shadow cannot be read (other than not existing)', async () => {
    iotData.on(GetThingShadowCommand).rejects(new Error('ThrottlingException'));
    await expect(
      handler()(kinesisEvent([envelope('sensor-1', '{"messageId":"m1","metrics":{"temperature":20}}', 1)])),
    ).rejects.toThrow('ThrottlingException');
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(0);
  });
});
