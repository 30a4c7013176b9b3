// Detector state in DynamoDB (mocked at the SDK): it survives cold starts, is written with a version
// condition, and a concurrent write makes the batch retry instead of losing either writer's learning.
import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  DynamoDBClient,
  PutItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { DescribeThingCommand, IoTClient, ListThingGroupsForThingCommand } from '@aws-sdk/client-iot';
import type { KinesisStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SeriesState } from '../../src/core/index.js';
import { createEnrichmentHandler } from '../../src/lambda/enrichment-handler.js';
import { DetectorStateTable } from '../../src/lambda/detector-state-table.js';
import { IotThingRegistry } from '../../src/lambda/iot-thing-registry.js';
import { quietTelemetry } from './quiet-telemetry.js';

const dynamo = mockClient(DynamoDBClient);
const iot = mockClient(IoTClient);
const table = 'detector-state';
let stored: Map<string, Record<string, AttributeValue>>;

function eventOf(thing: string, values: number[], firstSequence = 0): KinesisStreamEvent {
  return {
    Records: values.map((value, i) => ({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: thing,
        sequenceNumber: `seq-${firstSequence + i}`,
        approximateArrivalTimestamp: 1_764_046_800 + i,
        data: Buffer.from(
          JSON.stringify({
            topic: `dt/tributary/${thing}/telemetry`,
            clientId: thing,
            receivedAt: 1_764_046_800_000 + firstSequence + i,
            correlationId: `c-${firstSequence + i}`,
            payload: Buffer.from(
              JSON.stringify({ messageId: `m${firstSequence + i}`, metrics: { t: value } }),
            ).toString('base64'),
          }),
        ).toString('base64'),
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `shard-0:${i}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:role',
      awsRegion: 'eu-west-1',
      eventSourceARN: 'arn:stream',
    })),
  };
}

/** A fresh handler, as after a cold start: nothing in memory. */
const coldHandler = () =>
  createEnrichmentHandler({
    registry: new IotThingRegistry(new IoTClient({ region: 'eu-west-1' })),
    writer: { put: async () => [] },
    anomalyEvents: { publish: async () => [] },
    telemetry: quietTelemetry(),
    stateStore: new DetectorStateTable(table, new DynamoDBClient({ region: 'eu-west-1' })),
  });

/** How many points of the thing's metric `t` the stored state has learnt from. */
const countOf = (thing: string) =>
  (JSON.parse(stored.get(thing)?.['state']?.S ?? '{}') as Record<string, SeriesState>)[`${thing}/t`]?.points;

beforeEach(() => {
  stored = new Map();
  dynamo.reset();
  iot.reset();
  iot.on(DescribeThingCommand).resolves({ thingName: 'x', attributes: {} });
  iot.on(ListThingGroupsForThingCommand).resolves({ thingGroups: [] });
  dynamo
    .on(BatchGetItemCommand)
    .callsFake((input: { RequestItems: Record<string, { Keys: { series: { S: string } }[] }> }) => ({
      Responses: {
        [table]: input.RequestItems[table]!.Keys.flatMap((key) =>
          stored.has(key.series.S) ? [stored.get(key.series.S)!] : [],
        ),
      },
    }));
  dynamo
    .on(PutItemCommand)
    .callsFake(
      (input: {
        Item: Record<string, AttributeValue>;
        ExpressionAttributeValues?: Record<string, AttributeValue>;
      }) => {
        const thing = input.Item['series']!.S!;
        const current = stored.get(thing)?.['version']?.N;
        const expected = input.ExpressionAttributeValues?.[':loadedVersion']?.N;
        if (current !== expected)
          throw new ConditionalCheckFailedException({ message: 'conditional check failed', $metadata: {} });
        stored.set(thing, input.Item);
        return {};
      },
    );
});

describe('detector state in DynamoDB', () => {
  it('carries what the detector learnt across cold starts', async () => {
    await coldHandler()(eventOf('pump-7', [20, 21, 22]));
    expect(countOf('pump-7')).toBe(3);
    await coldHandler()(eventOf('pump-7', [21, 20], 3));
    expect(countOf('pump-7')).toBe(5);
    expect(stored.get('pump-7')?.['version']?.N).toBe('2');
  });

  it("retries the batch when another writer saved the state in between, and keeps that writer's state", async () => {
    await coldHandler()(eventOf('pump-7', [20]));
    dynamo
      .on(BatchGetItemCommand)
      .resolves({ Responses: { [table]: [{ ...stored.get('pump-7')!, version: { N: '0' } }] } });
    const result = await coldHandler()(eventOf('pump-7', [21, 22], 1));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'seq-1' }]);
    expect(stored.get('pump-7')?.['version']?.N).toBe('1');
    expect(countOf('pump-7')).toBe(1);
  });

  it('does not save state when the lake rows could not be written, so the retry scores from before', async () => {
    const handler = createEnrichmentHandler({
      registry: new IotThingRegistry(new IoTClient({ region: 'eu-west-1' })),
      writer: { put: async (rows) => rows.map((_, i) => i) },
      anomalyEvents: { publish: async () => [] },
      telemetry: quietTelemetry(),
      stateStore: new DetectorStateTable(table, new DynamoDBClient({ region: 'eu-west-1' })),
    });
    const result = await handler(eventOf('pump-7', [20, 21]));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'seq-0' }]);
    expect(stored.has('pump-7')).toBe(false);
  });
});
